// The header's "Menu" button on phones (site.css shows it under 40rem): it shows and hides the chapters and
// the search box. Loaded in <head>, not deferred, so that the "js" class is set before the first paint and
// the menu starts closed without a flash; without JavaScript the chapters and search stay in view.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".menu-toggle");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);  // focus stays on the button (a disclosure), no keyboard pops up
  });
});
