// The compound page's position chart: every compound the user can see, this one highlighted.
// Drawn from coordinates alone (no map tiles), so it works on a closed network.
//
// htmx.onLoad runs for the first page and for every piece of content htmx swaps in (a tab);
// a page restored by the Back button raises htmx:historyRestore instead. The chart is drawn
// wherever its element appears, once.
(function () {
  function draw(root) {
    const el = root.querySelector && (root.id === "estate-map" ? root : root.querySelector("#estate-map"));
    if (!el || !window.echarts) return;
    // A restored page's element carries the id of the chart drawn before it was cached;
    // ECharts then hands back that old chart, bound to the element that was replaced.
    const existing = echarts.getInstanceByDom(el);
    if (existing && existing.getDom() === el) return;
    if (existing) existing.dispose();
    const points = JSON.parse(el.dataset.positions || "[]");
    el.replaceChildren(); // a page restored from history keeps the old chart's dead canvas
    const chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: false },
      xAxis: { type: "value", scale: true, show: false },
      yAxis: { type: "value", scale: true, show: false },
      // ECharts puts a formatter's result into the page as HTML: names are user data.
      tooltip: { formatter: (p) => echarts.format.encodeHTML(p.data.name) },
      series: [
        { type: "scatter", symbolSize: 6, itemStyle: { color: "#adb5bd" },
          data: points.filter((p) => !p.self) },
        { type: "scatter", symbolSize: 14, itemStyle: { color: "#d63384" },
          label: { show: true, position: "right", formatter: (p) => p.data.name }, // drawn as text
          data: points.filter((p) => p.self) },
      ],
    });
  }
  // One resize listener for the page, whatever chart is on it now.
  window.addEventListener("resize", () => {
    const el = document.getElementById("estate-map");
    const chart = el && window.echarts && echarts.getInstanceByDom(el);
    if (chart) chart.resize();
  });
  htmx.onLoad(draw);
  // Back restores a page from htmx's cache without "load" events: draw there too.
  document.addEventListener("htmx:historyRestore", () => draw(document));
})();
