/* Report page: start a build (POST /api/v1/report/<name>), follow /api/v1/job/<id> with a
   progress bar, then offer the download link. No request leaves the server. */
(function () {
  "use strict";
  var box = document.getElementById("report-build");
  if (!box) { return; }
  var bar = document.querySelector("#report-progress .progress-bar");
  var barBox = document.getElementById("report-progress");
  var result = document.getElementById("report-result");

  function params() {
    var data = {};
    var form = document.getElementById("report-params");
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.value !== "") { data[el.name] = el.value; }
    });
    return data;
  }

  function setProgress(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.setAttribute("aria-valuenow", percent);
  }

  function fail(message) {
    barBox.style.display = "none";
    result.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flag-red-text";
    p.textContent = message || box.dataset.msgFailed;
    result.appendChild(p);
    setButtons(false);
  }

  function setButtons(disabled) {
    Array.prototype.forEach.call(box.querySelectorAll(".build-report"), function (b) {
      b.disabled = disabled;
    });
  }

  function done(info) {
    setProgress(100);
    result.innerHTML = "";
    var link = document.createElement("a");
    link.href = info.result_url;
    link.className = "btn btn-success btn-sm report-download";
    link.textContent = box.dataset.msgDownload;
    var label = document.createElement("span");
    label.textContent = box.dataset.msgReady + " ";
    result.appendChild(label);
    result.appendChild(link);
    setButtons(false);
  }

  function poll(jobId) {
    fetch("/api/v1/job/" + encodeURIComponent(jobId), {credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (pair) {
        var status = pair[0], info = pair[1];
        if (status !== 200) { fail(info.message); return; }
        setProgress(info.progress || 0);
        if (info.status === "finished" && info.result_url) { done(info); }
        else if (info.status === "failed" || info.status === "stopped" || info.status === "canceled") { fail(); }
        else { window.setTimeout(function () { poll(jobId); }, 700); }
      })
      .catch(function () { fail(); });
  }

  function start(format) {
    var data = params();
    data.format = format;
    setButtons(true);
    result.innerHTML = "";
    barBox.style.display = "block";
    setProgress(0);
    fetch("/api/v1/report/" + encodeURIComponent(box.dataset.report), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf},
      body: JSON.stringify(data)
    })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (pair) {
        if (pair[0] !== 202) { fail(pair[1].message); return; }
        poll(pair[1].id);
      })
      .catch(function () { fail(); });
  }

  Array.prototype.forEach.call(box.querySelectorAll(".build-report"), function (button) {
    button.addEventListener("click", function () { start(button.dataset.format); });
  });
}());
