// Drag and drop on the publisher's upload page: a dropped folder or archive goes into the page's own
// forms (the folder picker's or the archive's) and is submitted as they are, so the dry run is the same.
// Without this script the drop zone stays hidden and the two forms work alone.
(() => {
  const zone = document.getElementById("ablage");
  const status = document.getElementById("ablage-status");
  const folderInput = document.getElementById("ordner");
  const archiveInput = document.getElementById("archiv");
  if (!zone || !folderInput || !archiveInput || !window.hubDropZone || typeof DataTransfer === "undefined") return;
  const ARCHIVE = /\.(zip|tar\.gz|tgz)$/i;

  const say = (text) => { status.textContent = text; };

  const { submit, submitFolder, count } = window.hubDropZone;

  async function dropped(entries, plain) {
    if (entries.length === 1 && entries[0].isDirectory) {
      await submitFolder(entries[0], folderInput, say, "wird geprüft …");
    } else if (plain.length === 1 && ARCHIVE.test(plain[0].name)) {
      say(`Archiv „${plain[0].name}“ wird geprüft …`);
      submit(archiveInput, plain);
    } else {
      say("Bitte genau einen Paketordner oder ein ZIP- oder tar.gz-Archiv ablegen.");
    }
  }

  // chosen from the zone (keyboard or click), the folder is checked at once
  let fromZone = false;
  window.hubDropZone.bind(zone, {
    dropped,
    failed: () => say("Der abgelegte Ordner konnte nicht gelesen werden."),
    choose: () => { fromZone = true; folderInput.click(); },
  });
  folderInput.addEventListener("change", () => {
    if (fromZone && folderInput.files.length) {
      say(`Ordner mit ${count(folderInput.files.length)} wird geprüft …`);
      folderInput.form.requestSubmit();
    }
    fromZone = false;
  });
})();
