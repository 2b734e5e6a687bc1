// Keeps what a member is writing in this browser (localStorage), so a reload, a submit refused
// during maintenance or a dropped connection loses nothing. A draft is kept per form (its action)
// until a page confirms a successful submit (a success message); forms with data-no-draft opt out.
(function () {
  var PREFIX = "draft:", MAX_AGE = 30 * 24 * 3600 * 1000, store;
  try { store = window.localStorage; store.setItem(PREFIX + "t", "1"); store.removeItem(PREFIX + "t"); } catch (e) { return; }
  var read = function (key) { try { return JSON.parse(store.getItem(key)); } catch (e) { return null; } };
  var succeeded = !!document.querySelector(".flash.success");
  for (var i = store.length - 1; i >= 0; i--) {
    var key = store.key(i), saved = key && key.indexOf(PREFIX) === 0 ? read(key) : null;
    if (saved && ((succeeded && saved.sent) || Date.now() - saved.at > MAX_AGE)) store.removeItem(key);
  }
  document.querySelectorAll("form[method=post]:not([data-no-draft])").forEach(function (form) {
    var fields = form.querySelectorAll("textarea[name], input[type=text][name=title]");
    if (!fields.length || !form.querySelector("textarea")) return;
    var key = PREFIX + (form.getAttribute("action") || location.pathname);
    var save = function (sent) {
      var values = {}, any = false;
      fields.forEach(function (f) { values[f.name] = f.value; any = any || f.value.trim() !== ""; });
      if (any) store.setItem(key, JSON.stringify({ fields: values, at: Date.now(), sent: !!sent }));
    };
    var saved = read(key), restored = false;
    fields.forEach(function (f) {
      if (!f.value && saved && saved.fields && saved.fields[f.name]) { f.value = saved.fields[f.name]; restored = true; }
    });
    if (restored && !form.querySelector(".draft-restored")) {
      var note = document.createElement("p");
      note.className = "hint draft-restored"; note.setAttribute("role", "status");
      note.textContent = document.documentElement.lang === "en"
        ? "Your unsent text was restored from this browser." : "กู้คืนข้อความที่ยังไม่ได้ส่งจากเบราว์เซอร์นี้แล้ว";
      form.insertBefore(note, form.firstChild);
    }
    save(false);
    form.addEventListener("input", function () { save(false); });
    form.addEventListener("submit", function () { save(true); });
  });
})();
