// The cockpit's charts (Apache ECharts), drawn from the figures the page embeds as JSON.
// Every bar, slice and point leads to the list behind it; the map is drawn from the compounds'
// coordinates alone (no tiles), so it works on a closed network.
(function () {
  const STAGE_COLOURS = {
    survey: "#6c757d", design: "#6f42c1", publicity: "#d63384", tender: "#fd7e14",
    construction: "#0d6efd", acceptance: "#20c997", handover: "#198754",
  };
  const esc = (s) => echarts.format.encodeHTML(String(s));

  function listUrl(data, extra) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(data.filters || {})) params.set(k, v);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
    return data.urls.projects + "?" + params.toString();
  }

  function chartOn(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    const old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    el.replaceChildren();
    return echarts.init(el);
  }

  function yearsChart(data, id, unit) {
    const chart = chartOn(id);
    if (!chart) return;
    const L = data.labels;
    const years = data.years.map((y) => String(y.year));
    const planned = unit === "households" ? data.years.map((y) => y.households) : data.years.map((y) => y.estates);
    const started = data.years.map((y) => y[`started_${unit}`]);
    const completed = data.years.map((y) => y[`completed_${unit}`]);
    const states = [undefined, "started", "completed"];
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: years },
      yAxis: { type: "value" },
      series: [
        { name: L.planned, type: "bar", data: planned, itemStyle: { color: "#9ec5fe" } },
        { name: L.started, type: "bar", data: started, itemStyle: { color: "#0d6efd" } },
        { name: L.completed, type: "bar", data: completed, itemStyle: { color: "#198754" } },
      ],
    });
    chart.on("click", (p) => {
      window.location.href = listUrl(data, { year: years[p.dataIndex], state: states[p.seriesIndex] });
    });
  }

  function cumulativeChart(data) {
    const chart = chartOn("chart-cumulative");
    if (!chart) return;
    const L = data.labels;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 70, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.cumulative.map((c) => String(c.year)) },
      yAxis: { type: "value" },
      series: [
        { name: L.households, type: "line", data: data.cumulative.map((c) => c.households), itemStyle: { color: "#198754" } },
        { name: L.residents, type: "line", data: data.cumulative.map((c) => c.residents), itemStyle: { color: "#fd7e14" } },
      ],
    });
    chart.on("click", (p) => {
      window.location.href = listUrl(data, { year: data.cumulative[p.dataIndex].year, state: "completed" });
    });
  }

  function investmentChart(data) {
    const chart = chartOn("chart-investment");
    if (!chart) return;
    chart.setOption({
      animation: false,
      tooltip: { formatter: (p) => `${esc(p.name)}: ${esc(Number(p.value).toLocaleString())} (${p.percent}%)` },
      series: [{
        type: "pie", radius: ["35%", "65%"],
        label: { formatter: "{b}" },
        data: data.investment.map((i) => ({ name: i.label, value: Number(i.total), source: i.source })),
      }],
    });
    chart.on("click", (p) => { window.location.href = listUrl(data, { source: p.data.source }); });
  }

  function stagesChart(data) {
    const chart = chartOn("chart-stages");
    if (!chart) return;
    const names = data.rows.map((r) => r.name);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 110, right: 16, top: 56, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names, inverse: true },
      series: data.stages.map((s) => ({
        name: s.label, type: "bar", stack: "stage", itemStyle: { color: STAGE_COLOURS[s.key] },
        data: data.rows.map((r) => r.stages[s.key] || 0),
      })),
    });
    chart.on("click", (p) => {
      const row = data.rows[p.dataIndex];
      const stage = data.stages[p.seriesIndex].key;
      if (data.child_kind === "estate") {
        window.location.href = data.urls.estate.replace("{id}", row.pk) + "?tab=renewal";
      } else {
        window.location.href = listUrl(data, { [data.child_kind]: row.pk, stage: stage });
      }
    });
  }

  function pad(side) {
    return (v) => (side < 0 ? v.min : v.max) + side * (v.max - v.min) * 0.05;
  }

  function mapChart(data) {
    const chart = chartOn("chart-map");
    if (!chart) return;
    chart.setOption({
      animation: false,
      legend: { top: 0, type: "scroll" },
      // A margin of a twentieth on every side, so the outermost compounds are drawn whole.
      grid: { left: 16, right: 16, top: 48, bottom: 16 },
      xAxis: { type: "value", scale: true, show: false, min: pad(-1), max: pad(1) },
      yAxis: { type: "value", scale: true, show: false, min: pad(-1), max: pad(1) },
      tooltip: { formatter: (p) => `${esc(p.data.name)}<br>${esc(p.seriesName)} · ${esc(p.data.households)}` },
      series: data.stages.map((s) => ({
        name: s.label, type: "scatter", itemStyle: { color: STAGE_COLOURS[s.key] },
        symbolSize: (v, p) => Math.max(6, Math.min(22, Math.sqrt(p.data.households) / 2)),
        data: data.positions.filter((p) => p.stage === s.key),
      })),
    });
    chart.on("click", (p) => {
      window.location.href = data.urls.estate.replace("{id}", p.data.estate) + "?tab=renewal";
    });
  }

  function draw() {
    const script = document.getElementById("cockpit-data");
    if (!script || !window.echarts) return;
    const data = JSON.parse(script.textContent);
    yearsChart(data, "chart-years", "households");
    yearsChart(data, "chart-years-estates", "estates");
    cumulativeChart(data);
    investmentChart(data);
    stagesChart(data);
    mapChart(data);
  }

  window.addEventListener("resize", () => {
    document.querySelectorAll(".cockpit-chart, .cockpit-map").forEach((el) => {
      const chart = echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:historyRestore", draw);
})();
