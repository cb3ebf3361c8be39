// Site search: loads search.json (built at render time) and matches with Fuse.js, served from this site.
import Fuse from "./vendor/fuse-7.5.0.basic.min.mjs";

const box = document.getElementById("search-box");
const list = document.getElementById("search-results");
let fuse = null;

async function index() {
  if (!fuse) {
    const docs = await (await fetch(box.dataset.index)).json();
    fuse = new Fuse(docs, { keys: [{ name: "title", weight: 2 }, "text"], ignoreLocation: true, threshold: 0.3 });
  }
  return fuse;
}

function show(results) {
  list.replaceChildren(...results.slice(0, 8).map(({ item }) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = box.dataset.root + item.href;
    a.textContent = item.page === item.title ? item.title : `${item.page}: ${item.title}`;
    li.append(a);
    return li;
  }));
}

if (box && list) {
  box.addEventListener("input", async () => {
    const q = box.value.trim();
    if (q.length < 2) { list.replaceChildren(); return; }
    show((await index()).search(q));
  });
  box.form.addEventListener("submit", (event) => event.preventDefault());
}
