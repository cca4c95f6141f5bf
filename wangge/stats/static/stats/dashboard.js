// The dashboard's charts. The numbers come from the page's JSON block (no inline
// script: the CSP allows only our own files); the tables beside them say the same.
(function () {
  "use strict";

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function trend(element, data) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 40, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.months },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", min: 0, max: 1, axisLabel: { formatter: percent } },
      ],
      series: data.series.map(function (s) {
        return {
          name: s.name, type: s.type, yAxisIndex: s.yAxisIndex || 0, data: s.data,
          connectNulls: false,
          tooltip: s.percent ? { valueFormatter: percent } : undefined,
        };
      }),
    });
    return chart;
  }

  function ranking(element, data) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: percent },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: percent } },
      yAxis: { type: "category", inverse: true, data: data.names },
      series: [{ name: data.label, type: "bar", data: data.values,
                 label: { show: true, position: "right", formatter: function (p) { return percent(p.value); } } }],
    });
    return chart;
  }

  function start() {
    var source = document.getElementById("stats-chart-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var trendEl = document.getElementById("trend-chart");
    if (trendEl) charts.push(trend(trendEl, data));
    var rankingEl = document.getElementById("ranking-chart");
    if (rankingEl && data.ranking.names.length) {
      rankingEl.style.height = Math.max(120, data.ranking.names.length * 28 + 24) + "px";
      charts.push(ranking(rankingEl, data.ranking));
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    document.documentElement.dataset.chartsReady = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
