// The workspace's drop zones (the upload page and the manifest form) in one place: reading a dropped folder, putting
// files into a form's own file input and submitting it, and the zone's mouse, drag and keyboard handling. Each page's
// script says what a drop means (hubDropZone.bind). Without JavaScript the zones stay hidden and the forms work alone.
window.hubDropZone = (() => {
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

  const count = (n) => `${n} Datei${n === 1 ? "" : "en"}`;

  // one dropped folder: its files read, put into ``input`` and the form submitted; say(text) reports each step,
  // ending in "Ordner „…“ mit N Dateien " + checking
  async function submitFolder(entry, input, say, checking) {
    const files = [];
    say(`Ordner „${entry.name}“ wird gelesen …`);
    await walk(entry, files);
    if (files.length === 0) { say(`Der Ordner „${entry.name}“ ist leer.`); return; }
    say(`Ordner „${entry.name}“ mit ${count(files.length)} ${checking}`);
    submit(input, files);
  }

  // dropped(entries, files) is the page's meaning of a drop, failed() what it says when reading fails, choose() the
  // keyboard's (and a click's) way to pick files instead
  function bind(zone, { dropped, failed, choose }) {
    zone.hidden = false;
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
      dropped(entries, [...event.dataTransfer.files]).catch(failed);
    });
    zone.addEventListener("click", choose);
    zone.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
  }

  return { walk, submit, submitFolder, count, bind };
})();
