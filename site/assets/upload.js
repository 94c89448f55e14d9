// Drag and drop on the publisher's upload page: a dropped folder or archive goes into the page's own
// forms (the folder picker's or the archive's) and is submitted as they are, so the dry run is the same.
// Without this script the drop zone stays hidden and the two forms work alone.
(() => {
  const zone = document.getElementById("ablage");
  const status = document.getElementById("ablage-status");
  const folderInput = document.getElementById("ordner");
  const archiveInput = document.getElementById("archiv");
  if (!zone || !folderInput || !archiveInput || typeof DataTransfer === "undefined") return;
  const ARCHIVE = /\.(zip|tar\.gz|tgz)$/i;
  zone.hidden = false;

  const say = (text) => { status.textContent = text; };

  // every file under a directory entry, with its path relative to the dropped folder's parent ("ordner/sub/a.yaml")
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
      say(`Ordner „${entries[0].name}“ mit ${files.length} Datei${files.length === 1 ? "" : "en"} wird geprüft …`);
      submit(folderInput, files);
    } else if (plain.length === 1 && ARCHIVE.test(plain[0].name)) {
      say(`Archiv „${plain[0].name}“ wird geprüft …`);
      submit(archiveInput, plain);
    } else {
      say("Bitte genau einen Paketordner oder ein ZIP- oder tar.gz-Archiv ablegen.");
    }
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
    dropped(entries, [...event.dataTransfer.files]).catch(() => say("Der abgelegte Ordner konnte nicht gelesen werden."));
  });
  // the keyboard's way (and a click's): choose the folder as with the form below; chosen from here, it is checked at once
  let fromZone = false;
  const choose = () => { fromZone = true; folderInput.click(); };
  zone.addEventListener("click", choose);
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      choose();
    }
  });
  folderInput.addEventListener("change", () => {
    if (fromZone && folderInput.files.length) {
      say(`Ordner mit ${folderInput.files.length} Datei${folderInput.files.length === 1 ? "" : "en"} wird geprüft …`);
      folderInput.form.requestSubmit();
    }
    fromZone = false;
  });
})();
