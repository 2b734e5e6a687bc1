// Post forms: drag and drop or the phone's picker for photos, with a preview and a caption each.
// Each chosen file is put in its own row's file input (DataTransfer), named like the rows the
// page shows without script (photo_file_N / photo_caption_N), so the server reads one shape.
(function () {
  "use strict";
  if (typeof DataTransfer === "undefined") return; // old browsers keep the plain rows
  var probe;
  try { probe = new DataTransfer(); } catch (e) { return; }
  if (!probe.items) return;

  document.querySelectorAll("[data-photos]").forEach(function (field) {
    var max = parseInt(field.dataset.max || "10", 10);
    var slots = field.querySelector("[data-photo-slots]");
    var drop = field.querySelector("[data-photo-drop]");
    var picker = field.querySelector("[data-photo-picker]");
    if (!slots || !drop || !picker) return;
    // The script-less rows give way to the drop zone.
    field.querySelectorAll("[data-photo-empty]").forEach(function (row) { row.remove(); });
    drop.hidden = false;

    function used() {
      var numbers = [];
      slots.querySelectorAll("input[name^='photo_caption_']").forEach(function (input) {
        numbers.push(parseInt(input.name.split("_").pop(), 10));
      });
      return numbers;
    }

    function addFile(file) {
      var taken = used();
      if (taken.length >= max) return false;
      var n = 1;
      while (taken.indexOf(n) !== -1) n++;
      var row = document.createElement("li");
      row.className = "photo-slot";
      var input = document.createElement("input");
      input.type = "file";
      input.name = "photo_file_" + n;
      input.hidden = true;
      var holder = new DataTransfer();
      holder.items.add(file);
      input.files = holder.files;
      var preview;
      if (/^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
        preview = document.createElement("img");
        preview.className = "photo-preview";
        preview.alt = "";
        preview.src = URL.createObjectURL(file);
      } else { // HEIC and others: most browsers cannot show them; the server converts them
        preview = document.createElement("span");
        preview.className = "photo-preview";
        preview.textContent = "📷";
      }
      var name = document.createElement("span");
      name.className = "photo-name";
      name.textContent = file.name;
      var label = document.createElement("label");
      label.htmlFor = "photo-caption-" + n;
      label.textContent = field.dataset.captionLabel || "Caption";
      var caption = document.createElement("input");
      caption.id = "photo-caption-" + n;
      caption.name = "photo_caption_" + n;
      caption.maxLength = 200;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = field.dataset.removeLabel || "Remove";
      remove.addEventListener("click", function () {
        if (preview.src) URL.revokeObjectURL(preview.src);
        row.remove();
      });
      row.append(input, preview, name, label, caption, remove);
      slots.appendChild(row);
      return true;
    }

    function addFiles(list) {
      Array.prototype.forEach.call(list, function (file) { addFile(file); });
    }

    picker.addEventListener("change", function () {
      addFiles(picker.files);
      picker.value = ""; // the rows hold the files; the picker itself is not sent
    });
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files) addFiles(event.dataTransfer.files);
    });
  });
})();
