// Every statistics chart of a page, drawn with ECharts from one JSON block (id "chart-data"):
// {key: spec}, each spec drawn into the element with id "chart-<key>". The numbers are also in the
// table beside each chart, so the chart is never the only way to read them.
//
// spec.type: "pie" (labels, values), "bar" (labels, values, optional unit),
// "series" (labels, series: [{name, kind: "bar" | "line" | "cap", data, color, stack}]);
// a "cap" is a short line marking an upper limit on its category.
(function () {
  var dataEl = document.getElementById("chart-data");
  if (!dataEl || typeof echarts === "undefined") { return; }
  var specs = JSON.parse(dataEl.textContent);
  var RED = "#b71c1c";
  var GRID = { left: 8, right: 8, bottom: 8, containLabel: true };

  function categoryAxis(labels) {
    return { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } };
  }

  function seriesOf(item) {
    var out = { name: item.name, data: item.data, itemStyle: { color: item.color || RED } };
    if (item.kind === "cap") {
      out.type = "scatter"; out.symbol = "rect"; out.symbolSize = [28, 3];
    } else {
      out.type = item.kind || "bar";
      if (item.stack) { out.stack = item.stack; }
    }
    return out;
  }

  function optionFor(spec) {
    if (spec.type === "pie") {
      return { animation: false, tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: "65%",
          data: spec.labels.map(function (l, i) { return { name: l, value: spec.values[i] }; }) }] };
    }
    if (spec.type === "series") {
      return { animation: false, tooltip: { trigger: "axis" },
        legend: { data: spec.series.map(function (s) { return s.name; }) },
        grid: GRID, xAxis: categoryAxis(spec.labels), yAxis: { type: "value", minInterval: 1 },
        series: spec.series.map(seriesOf) };
    }
    return { animation: false, tooltip: { trigger: "axis" }, grid: GRID,
      xAxis: categoryAxis(spec.labels),
      yAxis: { type: "value", axisLabel: { formatter: "{value}" + (spec.unit || "") } },
      series: [{ type: "bar", data: spec.values, itemStyle: { color: RED } }] };
  }

  var drawn = [];
  Object.keys(specs).forEach(function (key) {
    var el = document.getElementById("chart-" + key);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption(optionFor(specs[key]));
    drawn.push(chart);
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
})();
