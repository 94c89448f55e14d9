// The manifest form's drop zone (workspace, served hub only): dropped files, a dropped folder or archive go into
// the form's own file inputs (a folder's files named by their paths in it) and the whole form is submitted, so the
// hub checks the manifest and the files together, exactly as "Prüfen" does. Without this script the drop zone stays
// hidden and the file inputs work alone.
(() => {
  const zone = document.getElementById("ablage");
  const status = document.getElementById("ablage-status");
  const filesInput = document.getElementById("dateien");
  const folderInput = document.getElementById("ordner");
  if (!zone || !filesInput || !folderInput || !window.hubDropZone || typeof DataTransfer === "undefined") return;

  const say = (text) => { status.textContent = text; };

  const { walk, submit, submitFolder, count } = window.hubDropZone;

  async function dropped(entries, plain) {
    if (entries.length === 1 && entries[0].isDirectory) {
      await submitFolder(entries[0], folderInput, say, "wird mit dem Manifest geprüft …");
      return;
    }
    let files = plain;
    if (entries.some((entry) => entry.isDirectory)) {
      files = [];
      for (const entry of entries) await walk(entry, files);
    }
    if (files.length === 0) { say("Es wurden keine Dateien abgelegt."); return; }
    say(`${count(files.length)} werden mit dem Manifest geprüft …`);
    submit(filesInput, files);
  }

  // chosen from the zone (keyboard or click), files are checked at once; chosen with the inputs below, on "Prüfen"
  let fromZone = false;
  window.hubDropZone.bind(zone, {
    dropped,
    failed: () => say("Die abgelegten Dateien konnten nicht gelesen werden."),
    choose: () => { fromZone = true; filesInput.click(); },
  });
  [filesInput, folderInput].forEach((input) => input.addEventListener("change", () => {
    if (!input.files.length) return;
    if (fromZone && input === filesInput) {
      say(`${count(input.files.length)} werden mit dem Manifest geprüft …`);
      input.form.requestSubmit();
    } else {
      say(`${count(input.files.length)} gewählt: „Prüfen“ nimmt sie ins Paket auf und prüft alles zusammen.`);
    }
    fromZone = false;
  }));
})();
