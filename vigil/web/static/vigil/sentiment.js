// Sentiment over time: stacked positive/neutral/negative bars and the negative share (right axis).
(function () {
  function chinese() { return (document.documentElement.lang || "").indexOf("zh") === 0; }
  window.addEventListener("load", function () {
    var el = document.getElementById("sentiment-over-time");
    var source = document.getElementById("sentiment-over-time-data");
    if (!el || !source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var colours = { positive: "#12b76a", neutral: "#98a2b3", negative: "#d92d20" };
    var traces = ["positive", "neutral", "negative"].map(function (key) {
      return { type: "bar", name: el.dataset["label" + key.charAt(0).toUpperCase() + key.slice(1)],
        x: data.buckets, y: data.series[key], marker: { color: colours[key] } };
    });
    var share = data.buckets.map(function (_, i) {
      var judged = data.series.positive[i] + data.series.neutral[i] + data.series.negative[i];
      return judged ? Math.round(1000 * data.series.negative[i] / judged) / 10 : null;
    });
    traces.push({ type: "scatter", mode: "lines+markers", name: el.dataset.labelShare, x: data.buckets,
      y: share, yaxis: "y2", connectgaps: false, line: { color: "#7a271a", width: 2 },
      hovertemplate: "%{y}%<extra></extra>" });
    var hourly = data.unit === "hour";
    var ticks = hourly ? (chinese() ? "%m-%d %H:%M" : "") : (chinese() ? "%m-%d" : "%b %d");
    Plotly.newPlot(el, traces, {
      barmode: "stack", height: 300, margin: { t: 10, r: 50, b: 40, l: 40 },
      legend: { orientation: "h", y: -0.2, traceorder: "normal" }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      xaxis: { type: "date", tickformat: ticks, hoverformat: hourly ? "%Y-%m-%d %H:%M" : "%Y-%m-%d" },
      yaxis: { rangemode: "tozero" },
      yaxis2: { overlaying: "y", side: "right", range: [0, 100], autorange: false, tickmode: "array",
        tickvals: [0, 25, 50, 75, 100],
        ticktext: ["0%", "25%", "50%", "75%", "100%"], showgrid: false, zeroline: false }
    }, { displayModeBar: false, responsive: true });
  });
})();
