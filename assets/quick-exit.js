// Quick exit (the safety band at the top of every page): leave for the neutral site the link names,
// replacing this page's entry in the browser's history, so that Back does not return here.
// The band's link does it, and so does the Escape key anywhere on the page, except where Escape already
// means something: in a text field (it clears the search box), with a dialog open (it closes the dialog),
// or when another handler has taken the key. An open <details> (the version switcher, a chart's data)
// does not stop it: Escape does not close one. Without this script the link is a plain link that leaves.
const link = document.querySelector("a[data-quick-exit]");

function leave() {
  document.documentElement.classList.add("quick-exit-leaving");  // the page goes blank at once, while the next one loads
  window.location.replace(link.href);
}

function escapeMeansSomethingElse(event) {
  const active = document.activeElement;
  return event.defaultPrevented || event.isComposing || Boolean(document.fullscreenElement)
    || document.querySelector("dialog[open], [aria-modal='true']") !== null
    || (active !== null && active.closest("input, textarea, select, [contenteditable='true'], [contenteditable='']") !== null);
}

if (link !== null) {
  link.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;  // a new tab
    event.preventDefault();
    leave();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !escapeMeansSomethingElse(event)) leave();
  });
}
