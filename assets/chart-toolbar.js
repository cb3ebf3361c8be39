// The toolbar under every chart (templates/chart.html): Data opens the data table and focuses it, Copy
// link copies the chart's permalink, Embed shows an <iframe> snippet. The links work without this script;
// the two buttons are hidden in the page and shown here. Also: open every data table for printing.

function toolbarPanel(toolbar, label, value, rows) {
  // A labelled read-only field under the toolbar holding text to copy by hand, shown selected.
  let panel = toolbar.querySelector(".chart-toolbar-panel");
  if (!panel) {
    panel = document.createElement("div");
    panel.className = "chart-toolbar-panel";
    toolbar.append(panel);
  }
  const id = `${toolbar.dataset.chart}-tool-text`;
  const caption = document.createElement("label");
  caption.htmlFor = id;
  caption.textContent = label;
  const field = document.createElement(rows > 1 ? "textarea" : "input");
  field.id = id;
  field.readOnly = true;
  field.value = value;
  field.className = "chart-toolbar-text";
  if (rows > 1) field.rows = rows;
  panel.replaceChildren(caption, field);
  field.focus();
  field.select();
  return panel;
}

function say(toolbar, text) {
  const status = toolbar.querySelector(".chart-toolbar-status");
  status.textContent = "";
  // A fresh text node after a tick, so that a screen reader announces the same message twice too.
  setTimeout(() => { status.textContent = text; }, 50);
}

function permalink(id) {
  const url = new URL(window.location.href);
  url.hash = id;
  return url.href;
}

function embedCode(toolbar) {
  const src = new URL(toolbar.dataset.embed, window.location.href).href;
  const iframe = document.createElement("iframe");
  iframe.setAttribute("src", src);
  iframe.setAttribute("title", toolbar.dataset.title);
  iframe.setAttribute("width", "100%");
  iframe.setAttribute("height", toolbar.dataset.embedHeight);
  iframe.setAttribute("loading", "lazy");
  // outerHTML escapes the attribute values (the title comes from data/), and the element is never inserted.
  return iframe.outerHTML;
}

for (const toolbar of document.querySelectorAll(".chart-toolbar")) {
  const id = toolbar.dataset.chart;
  const table = document.getElementById(`${id}-data`);
  const data = toolbar.querySelector(".chart-tool-data");
  if (data && table) {
    data.addEventListener("click", (event) => {
      event.preventDefault();
      table.open = true;
      table.focus();
      history.replaceState(null, "", `#${id}-data`);
    });
  }
  const copy = toolbar.querySelector(".chart-copy-link");
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      const link = permalink(id);
      try {
        await navigator.clipboard.writeText(link);
        say(toolbar, "Link to this chart copied to the clipboard.");
      } catch {
        toolbarPanel(toolbar, "Link to this chart (copy it):", link, 1);
        say(toolbar, "The clipboard is not available: the link is shown selected, copy it by hand.");
      }
    });
  }
  const embed = toolbar.querySelector(".chart-embed");
  if (embed) {
    embed.hidden = false;
    embed.addEventListener("click", () => {
      toolbarPanel(toolbar, "Embed code (copy it into your page):", embedCode(toolbar), 3);
      embed.setAttribute("aria-expanded", "true");
      say(toolbar, "Embed code shown, selected for copying.");
    });
  }
}

// Printing: every data table prints open; afterwards the ones that were closed close again.
const openedForPrint = [];
window.addEventListener("beforeprint", () => {
  for (const table of document.querySelectorAll("details.chart-table:not([open])")) {
    table.open = true;
    openedForPrint.push(table);
  }
});
window.addEventListener("afterprint", () => {
  for (const table of openedForPrint.splice(0)) table.open = false;
});
