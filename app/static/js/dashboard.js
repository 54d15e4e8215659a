/* Managers' dashboard: fetch each chart's data from /api/v1/dashboard/<name> and draw it with
   the Chart.js the app serves itself. Instances are kept in window.tesseraCharts. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || typeof Chart === "undefined") { return; }
  var query = root.dataset.query;
  var locale = root.dataset.locale || "en";
  var palette = ["#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477",
                 "#66aa00", "#b82e2e", "#316395", "#994499", "#22aa99"];
  var money = new Intl.NumberFormat(locale, {style: "currency", currency: root.dataset.currency,
                                             maximumFractionDigits: 0});
  window.tesseraCharts = {};

  function fail(el) {
    var p = document.createElement("p");
    p.className = "flag-red-text";
    p.textContent = root.dataset.msgError;
    el.parentNode.appendChild(p);
  }

  function drawChart(canvas, data) {
    var type = data.type;
    var datasets = data.datasets.map(function (ds, i) {
      var color = palette[i % palette.length];
      var out = Object.assign({}, ds);
      if (type === "doughnut") {
        out.backgroundColor = ds.data.map(function (_v, j) { return palette[j % palette.length]; });
      } else {
        out.backgroundColor = (ds.type === "line" || type === "line") ? color + "33" : color;
        out.borderColor = color;
      }
      return out;
    });
    var options = {responsive: true, maintainAspectRatio: false, animation: {duration: 250},
                   plugins: {legend: {display: type === "doughnut" || datasets.length > 1}}};
    if (type !== "doughnut") {
      options.scales = {x: {stacked: !!data.stacked}, y: {stacked: !!data.stacked, beginAtZero: true}};
      if (data.money) {
        options.scales.y.ticks = {callback: function (v) { return money.format(v); }};
      }
      if (data.percent) {
        options.scales.y.max = 100;
        options.scales.y.ticks = {callback: function (v) { return v + " %"; }};
      }
      if (data.money_axis) {
        options.scales[data.money_axis] = {position: "right", beginAtZero: true,
          grid: {drawOnChartArea: false}, ticks: {callback: function (v) { return money.format(v); }}};
      }
    }
    window.tesseraCharts[canvas.dataset.chart] = new Chart(canvas, {
      type: type, data: {labels: data.labels, datasets: datasets}, options: options});
    canvas.dataset.ready = "1";
  }

  function drawHeatmap(box, data) {
    var table = document.createElement("table");
    table.className = "table table-condensed heatmap";
    table.style.fontSize = "11px";
    var head = document.createElement("tr");
    head.appendChild(document.createElement("th"));
    data.hours.forEach(function (h) {
      var th = document.createElement("th");
      th.textContent = h;
      head.appendChild(th);
    });
    table.appendChild(head);
    data.cells.forEach(function (row, d) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.textContent = data.weekdays[d];
      tr.appendChild(th);
      row.forEach(function (count) {
        var td = document.createElement("td");
        var share = data.max ? count / data.max : 0;
        td.style.backgroundColor = "rgba(51, 102, 204, " + (0.08 + share * 0.92).toFixed(2) + ")";
        td.style.color = share > 0.55 ? "#fff" : "#222";
        td.style.textAlign = "center";
        td.textContent = count || "";
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    box.appendChild(table);
    box.dataset.ready = "1";
  }

  function load(el, draw) {
    fetch("/api/v1/dashboard/" + el.dataset.chart + "?" + query, {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { draw(el, data); })
      .catch(function () { fail(el); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas.dashboard-chart"),
    function (canvas) { load(canvas, drawChart); });
  Array.prototype.forEach.call(document.querySelectorAll(".dashboard-heatmap"),
    function (box) { load(box, drawHeatmap); });
}());
