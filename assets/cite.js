// "Copy" buttons of the Cite this block: copy the citation text to the clipboard and say so.
for (const button of document.querySelectorAll("button.cite-copy")) {
  button.addEventListener("click", async () => {
    const text = document.getElementById(button.dataset.copy).textContent;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select the text and copy it";
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}
