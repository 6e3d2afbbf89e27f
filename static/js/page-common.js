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

  // Durations read the same as the server's run_duration filter.
  function formatDuration(ms) {
    if (ms === null || ms === undefined) return "";
    if (ms < 1000) return `${ms} ms`;
    const seconds = ms / 1000;
    if (seconds < 10) return `${seconds.toFixed(2)} s`;
    if (seconds < 60) return `${seconds.toFixed(1)} s`;
    const minutes = Math.floor(Math.round(seconds) / 60);
    const rest = Math.round(seconds) % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
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

  window.CodeSandboxesPage = { config, $, csrfToken, formatDuration, formatBytes, statusInfo, capitalize };
})();
