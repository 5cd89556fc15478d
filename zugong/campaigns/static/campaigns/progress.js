// 示范创建目标进度: target, named and in-progress candidates per campaign, drawn with ECharts.
// The numbers are in the table below the chart.
(function () {
  var el = document.getElementById("progress-chart");
  var dataEl = document.getElementById("progress-chart-data");
  if (!el || !dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["目标数", "已命名", "创建中"] },
    grid: { left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "目标数", type: "bar", data: data.target, itemStyle: { color: "#9e9e9e" } },
      { name: "已命名", type: "bar", data: data.named, itemStyle: { color: "#b71c1c" } },
      { name: "创建中", type: "bar", data: data.cultivating, itemStyle: { color: "#f0a30a" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
