// The file preview: a link with data-preview (the sandbox_format `file_link` tag writes
// them) opens its file in the #file-preview dialog instead of downloading it. A picture is
// shown full size as an <img> of the file's own URL (an SVG too: an image runs no script,
// and the URL serves it under a CSP that runs nothing); a CSV file as the table the server
// parsed, its table view loaded with htmx (the table alone). Needs htmx and dialogs.js.
(() => {
  "use strict";

  const dialog = document.getElementById("file-preview");
  if (!dialog) return;
  const title = document.getElementById("preview-title");
  const body = document.getElementById("preview-body");
  const download = document.getElementById("preview-download");

  function showMessage(text) {
    const message = document.createElement("p");
    message.className = "notice notice-warn";
    message.setAttribute("role", "alert");
    message.textContent = text;
    body.replaceChildren(message);
  }

  function showImage(link) {
    const image = document.createElement("img");
    image.className = "preview-image";
    image.classList.toggle("is-svg", /\.svg$/i.test(link.dataset.previewName)); // no size of its own
    image.alt = link.dataset.previewName;
    image.src = link.dataset.previewSrc;
    image.addEventListener("error", () => showMessage(`${link.dataset.previewName} could not be shown as a picture.`));
    body.replaceChildren(image);
  }

  function showTable(link) {
    const loading = document.createElement("p");
    loading.className = "hint";
    loading.textContent = "Reading the file…";
    body.replaceChildren(loading);
    // (#preview-body has hx-sync="this:replace": a table asked for before is dropped.)
    htmx.ajax("GET", link.href, { source: body, target: body, swap: "innerHTML" }).catch(() => {});
  }

  // 422: the server's reason the file is no table (too big, not CSV), shown as it says it.
  body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  body.addEventListener("htmx:responseError", (event) => {
    showMessage(`The server answered ${event.detail.xhr.status} ${event.detail.xhr.statusText}.`);
  });
  body.addEventListener("htmx:sendError", () => showMessage("No answer from the server: try again."));

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-preview]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    title.textContent = link.dataset.previewName;
    download.href = link.dataset.previewDownload;
    if (link.dataset.preview === "table") showTable(link);
    else showImage(link);
    window.CodeSandboxesDialogs.open(dialog, link);
  });

  dialog.addEventListener("close", () => body.replaceChildren());
})();
