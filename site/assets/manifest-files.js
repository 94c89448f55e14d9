// The manifest form's drop zone (workspace, served hub only): dropped files, a dropped folder or archive go into
// the form's own file inputs (a folder's files named by their paths in it) and the whole form is submitted, so the
// hub checks the manifest and the files together, exactly as "Prüfen" does. Without this script the drop zone stays
// hidden and the file inputs work alone.
(() => {
  const zone = document.getElementById("ablage");
  const status = document.getElementById("ablage-status");
  const filesInput = document.getElementById("dateien");
  const folderInput = document.getElementById("ordner");
  if (!zone || !filesInput || !folderInput || typeof DataTransfer === "undefined") return;
  zone.hidden = false;

  const say = (text) => { status.textContent = text; };
  const count = (n) => `${n} Datei${n === 1 ? "" : "en"}`;

  // every file under an entry, named by its path from the dropped level ("ordner/sub/a.yaml", or "a.bpmn")
  const readBatch = (reader) => new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  const fileOf = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
  async function walk(entry, found) {
    if (entry.isFile) {
      const file = await fileOf(entry);
      const path = entry.fullPath.replace(/^\/+/, "");
      found.push(new File([file], path, { type: file.type, lastModified: file.lastModified }));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {  // readEntries answers in batches until an empty one
        const batch = await readBatch(reader);
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, found);
      }
    }
  }

  function submit(input, files) {
    const chosen = new DataTransfer();
    files.forEach((f) => chosen.items.add(f));
    input.files = chosen.files;
    input.form.requestSubmit();
  }

  async function dropped(entries, plain) {
    if (entries.length === 1 && entries[0].isDirectory) {
      const files = [];
      say(`Ordner „${entries[0].name}“ wird gelesen …`);
      await walk(entries[0], files);
      if (files.length === 0) { say(`Der Ordner „${entries[0].name}“ ist leer.`); return; }
      say(`Ordner „${entries[0].name}“ mit ${count(files.length)} wird mit dem Manifest geprüft …`);
      submit(folderInput, files);
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

  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("drop-zone--over");
  }));
  zone.addEventListener("dragleave", () => zone.classList.remove("drop-zone--over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("drop-zone--over");
    const items = [...event.dataTransfer.items].filter((item) => item.kind === "file");
    // the entries must be taken while the event runs; reading them may wait
    const entries = items.map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
    dropped(entries, [...event.dataTransfer.files]).catch(() => say("Die abgelegten Dateien konnten nicht gelesen werden."));
  });
  // the keyboard's way (and a click's): choose files as with the input below; chosen from here, they are checked at once
  let fromZone = false;
  const choose = () => { fromZone = true; filesInput.click(); };
  zone.addEventListener("click", choose);
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      choose();
    }
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
