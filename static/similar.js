// Compose page: shows similar threads as the member types (debounced), then posts the form
// straight to the board (the review step of the script-less form is not needed).
(function () {
  "use strict";
  var form = document.getElementById("compose");
  var box = document.getElementById("similar-threads");
  if (!form || !box || !window.fetch) return;
  var field = function (name) { return form.querySelector("[name=" + name + "]"); };
  if (form.dataset.directAction) form.action = form.dataset.directAction;
  var timer = null, last = "", seq = 0;
  function refresh() {
    var params = new URLSearchParams({
      title: field("title").value, body: field("body").value.slice(0, 1000), category_id: field("category_id").value
    }).toString();
    if (params === last) return;
    last = params;
    var mine = ++seq;
    fetch("/threads/similar?" + params, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && mine === seq) box.innerHTML = html; })
      .catch(function () {});
  }
  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (name !== "title" && name !== "body" && name !== "category_id") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
