// The editor page and the run page of Code Sandboxes: CodeMirror, the open files, Run,
// Stop and Save. The console and the run's websocket live in live-console.js, the config
// and helpers in page-common.js (both loaded, deferred, before this script); the CSP nonce
// comes from this script's own tag.
(() => {
  "use strict";

  const NONCE = document.currentScript ? document.currentScript.nonce : "";
  const { config, $, csrfToken } = window.CodeSandboxesPage;

  // --- The console and the run being watched (both pages) ------------------------------

  const { consoleView, watch, showStop } = window.CodeSandboxesPage.startLiveConsole();

  // The run page: replay (or follow) one run.
  if (!document.getElementById("editor")) {
    if (config.latest) {
      showStop(config.latest.active);
      const ended = () => {
        showStop(false);
        document.body.dispatchEvent(new CustomEvent("run-ended"));
      };
      watch(config.latest, { onEnd: config.latest.active ? ended : null });
    }
    return;
  }

  // --- The editor page ------------------------------------------------------------------

  // Every file opened in this page keeps a buffer: its text now, and the text last saved.
  // Save and Run send the buffers that differ, so nothing typed is lost to an error.
  const buffers = new Map();
  const runButton = $("#run-button");
  const runLabel = runButton.querySelector(".run-label");
  const saveButton = $("#save-button");
  const saveState = $("#save-state");
  const message = $("#run-message");
  const editorParent = $("#editor");
  let entry = config.entry;
  let current = config.file.path;
  let editor = null;
  let running = false;
  let saving = null;
  let startedTimer = 0;

  buffers.set(current, { text: config.file.text, saved: config.file.text, language: config.file.language });

  function mountEditor(path) {
    const buffer = buffers.get(path);
    if (editor) editor.destroy();
    // A new editor per file: undo history belongs to one file.
    editor = CodeSandboxes.createEditor(editorParent, {
      doc: buffer.text,
      language: buffer.language,
      nonce: NONCE,
      onRun: run,
      onChange: (text) => {
        buffer.text = text;
        showDirty();
      },
    });
    current = path;
    $("#current-file").textContent = path;
    $("#current-icon").className = `file-icon lang-${buffer.language}`;
    markFiles();
    showDirty();
  }

  const dirtyBuffers = () => [...buffers].filter(([, buffer]) => buffer.text !== buffer.saved);

  function showDirty() {
    const dirty = dirtyBuffers();
    $("#dirty-mark").hidden = !dirty.some(([path]) => path === current);
    if (saving) saveState.textContent = "Saving…";
    else saveState.textContent = dirty.length ? "Unsaved changes" : "";
    saveState.classList.toggle("is-dirty", dirty.length > 0);
    for (const item of document.querySelectorAll(".file-item")) {
      const buffer = buffers.get(item.dataset.path);
      item.classList.toggle("is-dirty", Boolean(buffer && buffer.text !== buffer.saved));
    }
  }

  function markFiles() {
    for (const item of document.querySelectorAll(".file-item")) {
      item.classList.toggle("is-open", item.dataset.path === current);
    }
  }

  // `link`: {href, text}, after the last line (the run that is going, say).
  function showMessage(text, tone = "error", link = null) {
    message.replaceChildren();
    const lines = Array.isArray(text) ? text : [text];
    for (const line of lines) {
      const paragraph = document.createElement("p");
      paragraph.textContent = line;
      message.append(paragraph);
    }
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      message.lastElementChild.append(" ", anchor);
    }
    message.className = `run-message tone-${tone}`;
    message.hidden = false;
  }

  function clearMessage() {
    message.hidden = true;
    message.replaceChildren();
  }

  function errorLines(errors) {
    return Object.values(errors || {}).flat();
  }

  // The dirty buffers as form data: a `path` field and a `content` file part each.
  function dirtyForm() {
    const form = new FormData();
    const sent = [];
    for (const [path, buffer] of dirtyBuffers()) {
      form.append("path", path);
      form.append("content", new Blob([buffer.text], { type: "text/plain" }), "content");
      sent.push([path, buffer.text]);
    }
    return { form, sent };
  }

  function markSaved(sent) {
    for (const [path, text] of sent) {
      const buffer = buffers.get(path);
      if (buffer) buffer.saved = text;
    }
    showDirty();
  }

  async function post(url, form) {
    const response = await fetch(url, {
      method: "POST",
      // No body rather than an empty multipart one (which the server answers with 400).
      body: [...form.keys()].length ? form : null,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    let body = {};
    try {
      body = await response.json();
    } catch {
      body = { errors: { __all__: [`The server answered ${response.status} ${response.statusText}.`] } };
    }
    return { response, body };
  }

  async function save() {
    const { form, sent } = dirtyForm();
    if (!sent.length) {
      saveState.textContent = "All changes saved";
      return true;
    }
    saving = true;
    showDirty();
    try {
      const { response, body } = await post(config.urls.save, form);
      if (!response.ok) {
        showMessage(errorLines(body.errors));
        return false;
      }
      clearMessage();
      markSaved(sent);
      saveState.textContent = "All changes saved";
      return true;
    } catch (error) {
      showMessage(`Could not save: ${error.message}. Your changes are still here.`);
      return false;
    } finally {
      saving = null;
      if (dirtyBuffers().length) showDirty();
    }
  }

  // Why no run may start ("" if one may): the quota stats say, reloaded after each run.
  function usedUp() {
    const stats = document.getElementById("run-stats");
    return stats ? stats.dataset.usedUp || "" : "";
  }

  function showRunnable() {
    const reason = running ? "" : usedUp();
    runButton.disabled = running || Boolean(reason);
    runButton.title = reason || `Save and run ${entry} (Ctrl+Enter)`;
  }

  function setRunning(value) {
    running = value;
    showRunnable();
    runButton.classList.toggle("is-running", value);
    runLabel.textContent = value ? "Running…" : "Run";
    showStop(value);
  }

  function runEnded() {
    clearTimeout(startedTimer);
    setRunning(false);
    document.body.dispatchEvent(new CustomEvent("run-ended"));
    refreshCleanBuffers();
  }

  function attach(run) {
    const link = $("#run-link");
    link.href = run.urls.page;
    link.hidden = false;
    if (run.active) setRunning(true);
    watch(run, { onEnd: () => (run.active ? runEnded() : null) });
  }

  async function run() {
    if (running) return;
    if (phoneLayout.matches) showPane("console");
    if (usedUp()) {
      showMessage(usedUp(), "warn");
      return;
    }
    setRunning(true);
    clearMessage();
    // The last run's output stays until this one is accepted.
    const pill = [consoleView.status.textContent, consoleView.status.className];
    consoleView.setStatus("queued");
    const { form, sent } = dirtyForm();
    let answer;
    try {
      answer = await post(config.urls.run, form);
    } catch (error) {
      setRunning(false);
      [consoleView.status.textContent, consoleView.status.className] = pill;
      showMessage(`Could not start the run: ${error.message}. Your changes are still here.`);
      return;
    }
    const { response, body } = answer;
    if (response.status === 201) {
      markSaved(sent);
      attach(body.execution);
      // The history and the quota meter catch up a little later: reloading them at once
      // would compete with the run's own start for the server's attention.
      startedTimer = setTimeout(() => document.body.dispatchEvent(new CustomEvent("run-started")), 1000);
      return;
    }
    setRunning(false);
    [consoleView.status.textContent, consoleView.status.className] = pill;
    if (response.status === 429) {
      markSaved(sent); // the files were saved; the run was refused
      const going = body.quota.going ? { href: body.quota.going, text: "Open the run that is going" } : null;
      showMessage(body.quota.message, "warn", going);
      document.body.dispatchEvent(new CustomEvent("run-ended"));
    } else {
      showMessage(errorLines(body.errors));
    }
  }

  // After a run, files the program rewrote are read again (unless they have edits).
  async function refreshCleanBuffers() {
    for (const [path, buffer] of [...buffers]) {
      if (path !== current && buffer.text === buffer.saved) buffers.delete(path);
    }
    const buffer = buffers.get(current);
    if (!buffer || buffer.text !== buffer.saved) return;
    const text = await fetchText(current);
    if (text !== null && text !== buffer.saved && buffer.text === buffer.saved) {
      buffer.text = buffer.saved = text;
      mountEditor(current);
    }
  }

  async function fetchText(path) {
    let response;
    try {
      const url = new URL(config.urls.file, location.href);
      url.searchParams.set("path", path);
      response = await fetch(url);
    } catch {
      return null; // no answer (the page is going away): as a missing file
    }
    if (!response.ok) return null;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(await response.arrayBuffer());
    } catch {
      return undefined;
    }
  }

  // The editor mode of a listed file ("python", "typescript"...), as the server decided it.
  function languageOf(path) {
    const opener = document.querySelector(`.file-item[data-path="${CSS.escape(path)}"] [data-language]`);
    return opener ? opener.dataset.language : null;
  }

  async function openFile(path, language) {
    language = language || languageOf(path);
    if (path === current) return showPane("code");
    if (!buffers.has(path)) {
      const text = await fetchText(path);
      if (text === null) return showMessage(`${path} could not be opened.`);
      if (text === undefined) return showMessage(`${path} is not a text file: download it from the files panel.`);
      buffers.set(path, { text, saved: text, language: language || "text" });
    }
    clearMessage();
    mountEditor(path);
    showPane("code");
    editor.focus();
  }

  async function openFrame(path, line, column) {
    await openFile(path, null);
    showPane("code");
    if (current === path) editor.goToLine(line, column);
  }

  function setEntry(path) {
    entry = path;
    $("#entry-name").textContent = path;
    showRunnable();
  }

  // Phone width: one pane at a time (Code, Console, Files...); Run shows the console.
  const workbench = $(".workbench-body");
  const phoneTabs = [...document.querySelectorAll("[data-phone-view]")].filter((b) => b.tagName === "BUTTON");
  const phoneLayout = window.matchMedia("(max-width: 40rem)");

  function showPane(view) {
    workbench.dataset.phoneView = view;
    for (const button of phoneTabs) button.setAttribute("aria-pressed", String(button.dataset.phoneView === view));
  }

  for (const button of phoneTabs) button.addEventListener("click", () => showPane(button.dataset.phoneView));

  // Panels: tabs, file links, and what the HTMX answers of the files panel tell us.
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      for (const other of tabs) {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      }
    });
  }

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-file]");
    if (opener) openFile(opener.dataset.openFile, opener.dataset.language);
    // A traceback's `File "main.py", line 7` / `main.js:7:3` in the console.
    const frame = event.target.closest(".trace-link");
    if (frame) {
      event.preventDefault();
      openFrame(frame.dataset.path, Number(frame.dataset.line), Number(frame.dataset.column || 1));
    }
    // The header's package count opens the packages panel.
    const panel = event.target.closest("[data-open-panel]");
    if (panel) {
      event.preventDefault(); // without this script, the link opens the page on that panel
      document.getElementById(`tab-${panel.dataset.openPanel}`).click();
    }
  });

  // The server names a new or renamed file's language: its highlighting and icon follow at
  // once (the list itself is swapped in after these events).
  document.addEventListener("files:open", (event) => openFile(event.detail.path, event.detail.language));
  document.addEventListener("files:renamed", (event) => {
    const { from, to, language } = event.detail;
    const buffer = buffers.get(from);
    if (buffer) {
      buffers.delete(from);
      buffers.set(to, buffer);
      if (language && buffer.language !== language) {
        buffer.language = language;
        if (current === from) {
          current = to;
          mountEditor(to);
        }
      }
    }
    if (current === from) current = to;
    if (entry === from) setEntry(to);
    $("#current-file").textContent = current;
  });
  document.addEventListener("files:deleted", (event) => {
    buffers.delete(event.detail.path);
    if (current === event.detail.path) openFile(entry, null);
  });
  document.addEventListener("files:entry", (event) => setEntry(event.detail.path));
  document.body.addEventListener("htmx:afterSettle", () => {
    markFiles();
    showDirty();
    showRunnable();
  });

  runButton.addEventListener("click", run);
  $("#find-button").addEventListener("click", () => editor.openSearch());
  showRunnable(); // rendered disabled until now: a click before this point would be lost
  saveButton.addEventListener("click", save);
  $("#clear-console").addEventListener("click", () => {
    consoleView.reset();
    consoleView.placeholder.hidden = false;
    consoleView.placeholder.textContent = "Cleared.";
  });

  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.defaultPrevented) return;
    if (event.key === "Enter") {
      event.preventDefault();
      run();
    } else if (event.key === "s" || event.key === "S") {
      event.preventDefault();
      save();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirtyBuffers().length) event.preventDefault();
  });

  mountEditor(current);
  if (config.latest) attach(config.latest);
})();
