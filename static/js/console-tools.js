// The console's tools on the editor page and the run page: copy the output, download it
// as a text file, and filter its lines (a read-only view of the lines that contain the
// typed text, kept up to date as output arrives). Needs page-common.js; reads the output
// from #console-output, whatever wrote it.
(() => {
  "use strict";

  const { $ } = window.CodeSandboxesPage;
  const output = $("#console-output");
  const box = $("#console");
  const filtered = $("#console-filtered");
  const field = $("#console-filter");
  const count = $("#console-filter-count");
  if (!output || !field) return;

  const text = () => output.textContent;

  async function copyText(value) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(value);
      return;
    }
    const area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }

  // The button says what happened for a moment, then goes back to its name.
  function flash(button, message) {
    const name = button.dataset.name || button.textContent;
    button.dataset.name = name;
    button.textContent = message;
    clearTimeout(button.flashTimer);
    button.flashTimer = setTimeout(() => (button.textContent = name), 1500);
  }

  const copyButton = $("#copy-console");
  copyButton.addEventListener("click", async () => {
    const lines = filtered.hidden ? text() : filtered.textContent;
    try {
      await copyText(lines);
      flash(copyButton, "Copied");
    } catch {
      flash(copyButton, "Copy failed");
    }
  });

  $("#download-console").addEventListener("click", () => {
    const run = box.dataset.runId ? `run-${box.dataset.runId.slice(0, 8)}` : "console";
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text()], { type: "text/plain;charset=utf-8" }));
    link.download = `${run}.txt`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  // --- Filter -------------------------------------------------------------------------

  let frame = 0;

  function render() {
    frame = 0;
    const query = field.value;
    const active = query !== "";
    filtered.hidden = !active;
    output.hidden = active;
    count.hidden = !active;
    box.classList.toggle("is-filtered", active);
    if (!active) {
      filtered.replaceChildren();
      return;
    }
    const lines = text().split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    const needle = query.toLowerCase();
    const pieces = [];
    let shown = 0;
    for (const line of lines) {
      const at = line.toLowerCase().indexOf(needle);
      if (at < 0) continue;
      shown += 1;
      const row = document.createElement("span");
      row.className = "filtered-line";
      const mark = document.createElement("mark");
      mark.textContent = line.slice(at, at + query.length);
      row.append(line.slice(0, at), mark, `${line.slice(at + query.length)}\n`);
      pieces.push(row);
    }
    filtered.replaceChildren(...pieces);
    count.textContent = `${shown} of ${lines.length} line${lines.length === 1 ? "" : "s"}`;
  }

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(render);
  };

  field.addEventListener("input", schedule);
  field.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && field.value) {
      event.preventDefault();
      field.value = "";
      schedule();
    }
  });
  // New output (or a cleared console) while a filter is on: the view follows.
  new MutationObserver(() => {
    if (field.value) schedule();
  }).observe(output, { childList: true, characterData: true, subtree: true });
})();
