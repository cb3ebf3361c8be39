// The charts are static pictures first (SVG drawn at build time). plotly.js, served by this site, is
// fetched only when a reader reaches for a chart (pointer, touch, keyboard focus or its "Make interactive"
// button); then that chart is drawn from its JSON spec in place of its picture, and each other chart of the
// page is drawn when it, in turn, is reached. A chart that has no picture (a site built without a browser)
// is drawn at once.
(() => {
  const loader = document.querySelector("script[data-plotly]");
  let library = null;

  function loadPlotly() {
    if (library) return library;
    library = new Promise((resolve, reject) => {
      if (!document.getElementById("plotly.js-style-global")) {
        const css = document.createElement("link");
        css.rel = "stylesheet";
        css.id = "plotly.js-style-global";
        css.className = "no-inline-styles"; // plotly then writes no <style> of its own (the CSP allows none)
        css.href = loader.dataset.plotlyCss;
        document.head.appendChild(css);
      }
      const script = document.createElement("script");
      script.src = loader.dataset.plotly;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error(`plotly.js did not load from ${script.src}`));
      document.head.appendChild(script);
    });
    return library;
  }

  function draw(figure) {
    const plot = figure.querySelector(".chart-plot");
    if (plot.dataset.drawing) return;
    plot.dataset.drawing = "yes";
    const spec = JSON.parse(figure.querySelector("script.chart-spec").textContent);
    loadPlotly().then(Plotly => {
      const picture = plot.querySelector(".chart-picture");
      if (picture) picture.hidden = true; // kept in the page: the print stylesheet may show it
      return Plotly.newPlot(plot, spec.data, spec.layout, spec.config).then(() => {
        plot.classList.add("chart-drawn");
        const button = figure.querySelector("button.chart-interactive");
        if (button) button.hidden = true;
      });
    });
  }

  for (const figure of document.querySelectorAll("figure.chart")) {
    if (!figure.querySelector(".chart-plot .chart-picture")) {
      draw(figure);
      continue;
    }
    const reach = () => draw(figure);
    for (const event of ["pointerenter", "touchstart", "focusin"]) {
      figure.addEventListener(event, reach, { once: true, passive: true });
    }
    const button = figure.querySelector("button.chart-interactive");
    if (button) button.addEventListener("click", reach);
  }
})();
