// Shared by the editor page and the run page of Code Sandboxes: the #editor-config JSON
// (Django's json_script) and small helpers, on the window.CodeSandboxesPage namespace.
// Loaded (deferred) before live-console.js and editor-page.js.
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const $ = (selector) => document.querySelector(selector);

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function formatBytes(bytes) {
    if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB`;
    return `${Math.round(bytes / 1024)} KB`;
  }

  function statusInfo(status) {
    return config.statuses[status] || { label: status, tone: "muted" };
  }

  function capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  window.CodeSandboxesPage = { config, $, csrfToken, formatBytes, statusInfo, capitalize };
})();
