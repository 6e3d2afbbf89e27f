// The colour theme, set before the page paints (loaded in <head>, not deferred): <html>'s
// data-theme is the theme chosen with the header's button (remembered in localStorage) or,
// until one is chosen, the system's, following it as it changes. The button cycles
// System -> Dark -> Light.
(() => {
  "use strict";

  const KEY = "codesandboxes-theme";
  const NEXT = { system: "dark", dark: "light", light: "system" };
  const LABEL = { system: "System theme", dark: "Dark theme", light: "Light theme" };
  const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  const root = document.documentElement;

  function chosen() {
    try {
      const value = localStorage.getItem(KEY);
      return value in NEXT ? value : "system";
    } catch {
      return "system"; // storage refused: follow the system
    }
  }

  function apply() {
    const choice = chosen();
    root.dataset.theme = choice === "system" ? (systemDark.matches ? "dark" : "light") : choice;
    const button = document.getElementById("theme-toggle");
    if (button) {
      button.textContent = LABEL[choice];
      button.title = `Colour theme: ${LABEL[choice].toLowerCase()}. Click for ${LABEL[NEXT[choice]].toLowerCase()}.`;
    }
  }

  apply();
  systemDark.addEventListener("change", apply);
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false; // without this script there is no choice to make
    apply();
    button.addEventListener("click", () => {
      try {
        localStorage.setItem(KEY, NEXT[chosen()]);
      } catch {
        return;
      }
      apply();
    });
  });
})();
