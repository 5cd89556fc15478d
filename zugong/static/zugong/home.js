// The home chart: full and probationary members per child organization, drawn with ECharts.
(function () {
  var el = document.getElementById("members-chart");
  var dataEl = document.getElementById("members-chart-data");
  if (!el || !dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["正式党员", "预备党员"] },
    grid: { left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 90, overflow: "truncate" } },
    series: [
      { name: "正式党员", type: "bar", stack: "m", data: data.full, itemStyle: { color: "#b71c1c" } },
      { name: "预备党员", type: "bar", stack: "m", data: data.probationary, itemStyle: { color: "#f0a30a" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
