// The 组织生活 heat map: organizations × months, each cell the share of that month's due meetings
// that were held. Its numbers are in the table under the chart.
(function () {
  var el = document.getElementById("life-heatmap");
  var dataEl = document.getElementById("life-heatmap-data");
  if (!el || !dataEl || typeof echarts === "undefined") { return; }
  var d = JSON.parse(dataEl.textContent);
  if (!d || !d.rows.length) { return; }
  el.style.height = Math.max(220, 90 + d.rows.length * 24) + "px";
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: {
      position: "top",
      formatter: function (p) { return d.rows[p.value[1]] + " " + d.months[p.value[0]] + "：已开展 " + p.value[2] + "%"; }
    },
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    xAxis: { type: "category", data: d.months, splitArea: { show: true } },
    yAxis: { type: "category", data: d.rows, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
    visualMap: {
      min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0,
      text: ["100%", "0%"], inRange: { color: ["#b71c1c", "#f0a30a", "#2e7d32"] }
    },
    series: [{
      type: "heatmap", data: d.data,
      label: { show: d.rows.length <= 25, formatter: function (p) { return p.value[2]; } }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
