// On an archived copy: say which version is the latest, read from the live site's versions.json.
const note = document.querySelector(".archive-banner .latest-note");
if (note) {
  fetch(note.closest(".version-bar").dataset.versions)
    .then((response) => response.json())
    .then((index) => { note.textContent = `; the latest is ${index.latest}`; })
    .catch(() => {});
}
