/* Documents: follow the printing job of a document; live preview of a template being edited. */
(function () {
  "use strict";

  var box = document.getElementById("document-job");
  if (box && box.dataset.job) {
    var bar = box.querySelector(".progress-bar");
    var poll = function () {
      fetch("/api/v1/job/" + encodeURIComponent(box.dataset.job), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (info) {
          var pct = info.progress || 0;
          if (bar) { bar.style.width = pct + "%"; bar.textContent = pct + "%"; }
          if (info.status === "finished") {
            window.location.replace(window.location.pathname);
          } else if (info.status === "failed") {
            box.textContent = box.dataset.msgFailed + " " + (info.error || "");
            box.className = "text-danger";
          } else {
            window.setTimeout(poll, 700);
          }
        });
    };
    poll();
  }

  var form = document.getElementById("template-form");
  if (form) {
    var body = document.getElementById("template-body");
    var frame = document.getElementById("template-preview");
    var errorBox = document.getElementById("preview-error");
    var timer = null;
    var refresh = function () {
      var data = new FormData();
      data.append("body", body.value);
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      fetch(form.dataset.preview, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (result) {
          if (result.html !== undefined) {
            errorBox.textContent = "";
            frame.srcdoc = result.html;
          } else {
            errorBox.textContent = result.message;
          }
        });
    };
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 500);
    });
    refresh();
  }
})();
