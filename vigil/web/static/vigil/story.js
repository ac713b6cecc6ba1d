// Propagation graph: mentions on a time axis, one row per site, lines from original to reprint.
(function () {
  window.addEventListener("load", function () {
    var el = document.getElementById("propagation");
    if (!el || !window.Plotly) { return; }
    var g = JSON.parse(el.dataset.graph);
    var colours = { negative: "#d92d20", positive: "#12b76a", neutral: "#667085" };
    var edges = { type: "scatter", mode: "lines", hoverinfo: "skip", showlegend: false,
      line: { color: "#98a2b3", width: 1 }, x: [], y: [] };
    g.edges.forEach(function (e) { edges.x.push(e[0].x, e[1].x, null); edges.y.push(e[0].y, e[1].y, null); });
    var nodes = { type: "scatter", mode: "markers", showlegend: false,
      x: g.nodes.map(function (n) { return n.x; }), y: g.nodes.map(function (n) { return n.y; }),
      text: g.nodes.map(function (n) { return n.site + ": " + n.label; }), hoverinfo: "text+x",
      marker: { size: g.nodes.map(function (n) { return 6 + Math.min(20, n.size / 4); }),
        color: g.nodes.map(function (n) { return colours[n.sentiment] || "#2e90fa"; }) } };
    Plotly.newPlot(el, [edges, nodes], {
      height: Math.max(220, 40 + 28 * g.sites.length), margin: { t: 10, r: 10, b: 40, l: 160 },
      xaxis: { type: "date", tickformat: (document.documentElement.lang || "").indexOf("zh") === 0 ? "%m-%d %H:%M" : "" }, yaxis: { tickvals: g.sites.map(function (_, i) { return i; }), ticktext: g.sites },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
    }, { displayModeBar: false, responsive: true });
  });
})();
