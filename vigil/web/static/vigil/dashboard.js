// Draws the hourly volume chart with the plotly.min.js shipped in the plotly wheel.
(function () {
  // Chinese pages: dates as 11-24 12:00, not "Nov 24, 2026" (plotly ships no zh locale).
  function chinese() { return (document.documentElement.lang || "").indexOf("zh") === 0; }
  function draw() {
    var el = document.getElementById("volume-chart");
    if (!el || !window.Plotly) { return; }
    fetch(el.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var traces = Object.keys(data.series).map(function (key) {
          return { type: "bar", name: data.labels[key] || key, x: data.hours, y: data.series[key] };
        });
        if (!traces.length) {
          // No mentions yet: draw the empty 72 hours, not Plotly's default year-2000 axis.
          traces = [{ type: "bar", x: data.hours, y: data.hours.map(function () { return 0; }), showlegend: false, hoverinfo: "skip" }];
        }
        Plotly.react(el, traces, {
          barmode: "stack", margin: { t: 10, r: 10, b: 40, l: 40 }, height: 280,
          legend: { orientation: "h", y: -0.2 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
          xaxis: { type: "date", tickformat: chinese() ? "%m-%d %H:%M" : "" }, yaxis: { rangemode: "tozero" }
        }, { displayModeBar: false, responsive: true });
      });
  }
  window.addEventListener("load", function () { draw(); setInterval(draw, 60000); });
})();
