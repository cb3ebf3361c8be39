// The content note before an interview quote a reader reaches by a link: from another page, another
// site, or a link within this page (#q-..., or a theme's section that holds quotes). Every quote is held
// back and the note shows where the quote is, with a "Show the quotes" button that brings them back and
// moves to the quote. The address keeps its #fragment, so the permalink works as before. Once the reader
// has chosen to see the quotes, later links within the page go straight to them.
// Without this script the stylesheet (:target) still shows the note inside the quote, before its words.
const HELD = "quotes-held";
let shown = false;

function linkedQuote() {
  let id = "";
  try { id = decodeURIComponent(window.location.hash.slice(1)); } catch { return null; }
  const target = id ? document.getElementById(id) : null;
  if (target === null) return null;
  return target.closest(".quote") || (target.matches("section") ? target.querySelector(".quote") : null);
}

function reveal(quote) {
  shown = true;
  document.documentElement.classList.remove(HELD);
  quote.classList.remove("quote-held");
  quote.querySelectorAll(".quote-reveal").forEach((button) => button.remove());
  quote.setAttribute("tabindex", "-1");
  quote.scrollIntoView({ block: "start" });
  quote.focus({ preventScroll: true });
}

function hold() {
  const quote = linkedQuote();
  const note = quote === null ? null : quote.querySelector(".quote-note");
  if (shown || note === null) return;
  document.querySelectorAll(".quote-held").forEach((held) => held.classList.remove("quote-held"));
  document.querySelectorAll(".quote-reveal").forEach((button) => button.remove());
  document.documentElement.classList.add(HELD);
  quote.classList.add("quote-held");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "quote-reveal";
  button.textContent = "Show the quotes";
  button.addEventListener("click", () => reveal(quote));
  note.append(button);
  note.scrollIntoView({ block: "start" });
  button.focus({ preventScroll: true });
}

hold();
window.addEventListener("hashchange", hold);
