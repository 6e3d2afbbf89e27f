// Copy buttons: <button data-copy="#id"> copies the text of the element #id and says so.
(() => {
  "use strict";

  async function copyText(value) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
    const area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) throw new Error("copy refused");
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    const name = button.textContent;
    const status = button.dataset.copyStatus ? document.querySelector(button.dataset.copyStatus) : null;
    button.hidden = false; // without this script there is nothing to click
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      let message = "Copied";
      try {
        await copyText(source.textContent.trim());
      } catch {
        message = "Copy failed: select the text and copy it by hand";
      }
      button.textContent = message.split(":")[0];
      if (status) status.textContent = message;
      setTimeout(() => (button.textContent = name), 2000);
    });
  }
})();
