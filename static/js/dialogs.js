// Modal dialogs of Code Sandboxes (<dialog class="modal">): the keyboard-shortcuts sheet and
// the file preview. showModal() makes the rest of the page inert and Escape close it; on top
// of that Tab and Shift+Tab go round inside the dialog, a click beside it closes it, and the
// focus goes back to what opened it. [data-modal-open="id"] opens one, [data-modal-close]
// closes its own; `?` outside a text field opens the shortcuts. Exposes
// window.CodeSandboxesDialogs.open(dialog, opener).
(() => {
  "use strict";

  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";
  const openers = new WeakMap();

  function focusables(dialog) {
    return [...dialog.querySelectorAll(FOCUSABLE)].filter((element) => element.getClientRects().length > 0);
  }

  function open(dialog, opener = document.activeElement) {
    if (dialog.open) return;
    openers.set(dialog, opener);
    dialog.showModal();
  }

  for (const dialog of document.querySelectorAll("dialog.modal")) {
    dialog.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const items = focusables(dialog);
      if (!items.length) return;
      const [first, last] = [items[0], items[items.length - 1]];
      if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    });
    // The dialog element itself is only its backdrop's edge: its box fills it.
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", () => {
      const opener = openers.get(dialog);
      if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
    });
  }

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-modal-open]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.modalOpen);
      if (dialog) open(dialog, opener);
    }
    const closer = event.target.closest("[data-modal-close]");
    if (closer) closer.closest("dialog").close();
  });

  // `?` opens the shortcuts, unless it is being typed (a field, the code editor).
  const shortcuts = document.getElementById("shortcuts");
  document.addEventListener("keydown", (event) => {
    if (!shortcuts || event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]") || document.querySelector("dialog[open]")) return;
    event.preventDefault();
    open(shortcuts);
  });

  // On a Mac the sheet names its keys: ⌘ for Ctrl where the editor uses Cmd, ⌥ for Alt.
  if (shortcuts && /Mac|iPhone|iPad/.test(navigator.platform)) {
    for (const key of shortcuts.querySelectorAll("kbd[data-mod]")) key.textContent = "⌘";
    for (const key of shortcuts.querySelectorAll("kbd[data-alt]")) key.textContent = "⌥";
    for (const keys of shortcuts.querySelectorAll("[data-keys]")) keys.hidden = keys.dataset.keys !== "mac";
  }

  window.CodeSandboxesDialogs = { open };
})();
