// Draw every chart on the page from its JSON spec, with the plotly.js bundle served by this site.
for (const figure of document.querySelectorAll("figure.chart")) {
  const spec = JSON.parse(figure.querySelector("script.chart-spec").textContent);
  const plot = figure.querySelector(".chart-plot");
  window.Plotly.newPlot(plot, spec.data, spec.layout, spec.config).then(() => plot.classList.add("chart-drawn"));
}
