// The clone command needs an absolute URL; the page knows where it is served from.
document.querySelectorAll("code[data-clone-path]").forEach((code) => {
  const url = new URL(code.dataset.clonePath, window.location.href);
  if (url.protocol === "http:" || url.protocol === "https:") code.textContent = "git clone " + url.href;
});
