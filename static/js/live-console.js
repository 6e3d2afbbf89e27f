// The console of the editor page and the run page: output rendering (ANSI colours, one
// write per animation frame, auto-scroll) and the websocket that streams a run's events,
// reconnecting and resuming by sequence number. Needs page-common.js, htmx and the editor
// bundle (CodeSandboxes.createAnsiConverter); exposes CodeSandboxesPage.startLiveConsole().
// Also: the input line of an interactive run (Enter sends a line, Ctrl+D end-of-file, over
// the socket), the installer's lines while preparing, and the elapsed-time clock.
(() => {
  "use strict";

  const page = window.CodeSandboxesPage;
  // The program's two, the installer's lines while preparing, and what its owner typed.
  const STREAMS = ["stdout", "stderr", "install", "stdin"];
  const { config, $, csrfToken, formatBytes, statusInfo, capitalize } = page;

  // --- Links from tracebacks to the files ----------------------------------------------

  // Python's `File "/workspace/main.py", line 7` and Node's `/workspace/main.js:7:3` (or
  // `main.js:7`), in the converter's escaped HTML, become links to that file and line,
  // for the files this page lists (the editor's; the run page lists none).
  const WORKSPACE = "(?:/workspace/)?";
  const PYTHON_FRAME = new RegExp(`File &quot;${WORKSPACE}([^&<>"]+?)&quot;, line (\\d+)`, "g");
  const NODE_FRAME = new RegExp(`(?<![\\w/.-])(?:file://)?${WORKSPACE}([\\w][\\w./-]*\\.(?:[cm]?js|[cm]?ts)):(\\d+)(?::(\\d+))?`, "g");

  function isListedFile(path) {
    return Boolean(document.querySelector(`.file-item[data-path="${CSS.escape(path)}"]`));
  }

  function link(text, path, line, column) {
    if (!isListedFile(path)) return text;
    const col = column ? ` data-column="${column}"` : "";
    return `<a class="trace-link" href="#" data-path="${path}" data-line="${line}"${col} title="Open ${path} at line ${line}">${text}</a>`;
  }

  function linkFrames(html) {
    if (!html.includes("line ") && !html.includes(":")) return html;
    return html
      .replace(PYTHON_FRAME, (text, path, line) => link(text, path, line))
      .replace(NODE_FRAME, (text, path, line, column) => link(text, path, line, column));
  }

  // --- Console ------------------------------------------------------------------------

  // Output is converted per stream (ANSI colour state carries over between chunks) and
  // written to the page once per animation frame, however fast it arrives.
  class Console {
    constructor() {
      this.box = $("#console");
      this.output = $("#console-output");
      this.end = $("#console-end");
      this.files = $("#run-files");
      this.placeholder = $("#console-placeholder");
      this.jump = $("#jump-bottom");
      this.status = $("#run-status");
      this.elapsed = $("#run-elapsed");
      this.follow = true;
      this.pending = [];
      this.frame = 0;
      this.reset();
      this.box.addEventListener("scroll", () => {
        const distance = this.box.scrollHeight - this.box.scrollTop - this.box.clientHeight;
        this.follow = distance < 24;
        if (this.follow) this.jump.hidden = true;
      });
      this.jump.addEventListener("click", () => {
        this.follow = true;
        this.jump.hidden = true;
        this.box.scrollTop = this.box.scrollHeight;
      });
    }

    reset() {
      this.converters = {};
      for (const stream of STREAMS) this.converters[stream] = CodeSandboxes.createAnsiConverter();
      this.pending = [];
      this.output.textContent = "";
      this.end.textContent = "";
      this.files.textContent = "";
      this.lines = 0;
      this.follow = true;
      this.jump.hidden = true;
    }

    write(stream, text) {
      if (!STREAMS.includes(stream)) stream = "stdout";
      const html = this.converters[stream].toHtml(text);
      const last = this.pending[this.pending.length - 1];
      if (last && last.stream === stream) last.html += html;
      else this.pending.push({ stream, html });
      if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
    }

    flush() {
      this.frame = 0;
      if (!this.pending.length) return;
      this.placeholder.hidden = true;
      const parts = this.pending.map(
        ({ stream, html }) => `<span class="out-${stream}">${stream === "stdin" ? html : linkFrames(html)}</span>`,
      );
      this.pending = [];
      const html = parts.join("");
      if (html.includes(" data-")) {
        // 256-colour and 24-bit colours: painted before the text goes in.
        const template = document.createElement("template");
        template.innerHTML = html;
        CodeSandboxes.paintAnsi(template.content);
        this.output.append(template.content);
      } else {
        this.output.insertAdjacentHTML("beforeend", html);
      }
      this.afterAppend();
    }

    afterAppend() {
      if (this.follow) this.box.scrollTop = this.box.scrollHeight;
      else this.jump.hidden = false;
    }

    setStatus(status) {
      const info = statusInfo(status);
      this.status.textContent = capitalize(info.label);
      this.status.className = `status-pill tone-${info.tone}`;
    }

    finish(event) {
      this.flush();
      const info = statusInfo(event.status);
      const line = document.createElement("div");
      line.className = `exit-line tone-${info.tone}`;
      const parts = [];
      if (event.status === "succeeded") parts.push("Finished");
      else if (event.status === "failed") parts.push("Failed");
      else parts.push(capitalize(info.label));
      if (event.exit_code !== null && event.exit_code !== undefined) parts.push(`exit code ${event.exit_code}`);
      if (event.duration) parts.push(event.duration);
      line.textContent = parts.join(" · ");
      this.end.replaceChildren(line);
      // An install failure's error is the installer's output, already on stderr above. A
      // run that succeeded has an error only to say its network stopped something.
      // Nor is an error that only repeats the status ("Cancelled" once, not twice).
      const repeats = event.error && event.error.replace(/[.!]$/, "").toLowerCase() === info.label.toLowerCase();
      if (event.error && event.status !== "install_failed" && !repeats) {
        const why = document.createElement("div");
        why.className = "exit-error";
        why.textContent = event.error;
        this.end.append(why);
      }
      if (event.files_skipped) {
        const notice = document.createElement("div");
        notice.className = "truncated";
        notice.textContent = event.files_skipped;
        this.end.append(notice);
      }
      if (event.output_truncated) {
        const notice = document.createElement("div");
        notice.className = "truncated";
        notice.textContent = `Output truncated: a run keeps at most ${formatBytes(config.outputLimit)} of output; the rest was dropped.`;
        this.end.append(notice);
      }
      this.placeholder.hidden = true;
      this.setStatus(event.status);
      this.afterAppend();
    }

    // Over HTMX, the run's page answers with the files it wrote (a rail with no element
    // in it stays hidden).
    loadFiles(run) {
      htmx
        .ajax("GET", run.urls.page, { source: this.files, target: this.files, swap: "innerHTML" })
        .catch(() => {}); // no answer (the page is going away): the files show on the run's page
    }
  }

  // --- Elapsed time ------------------------------------------------------------------

  // Counts from the run's start while it is queued, preparing or running; stops (and
  // hides) when it ends, whose exit line says the run's own duration.
  class Clock {
    constructor(element) {
      this.element = element;
      this.timer = 0;
    }

    start(elapsedMs) {
      this.stop();
      if (!this.element) return;
      this.origin = performance.now() - (elapsedMs || 0);
      this.element.hidden = false;
      this.tick();
      this.timer = setInterval(() => this.tick(), 100);
    }

    tick() {
      const ms = performance.now() - this.origin;
      const seconds = Math.floor(ms / 100) / 10;
      this.element.textContent =
        seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
    }

    stop() {
      clearInterval(this.timer);
      this.timer = 0;
      if (this.element) this.element.hidden = true;
    }
  }

  // --- The input line of an interactive run ---------------------------------------------

  // Shown while the run is running. Enter sends the line (with its newline), Ctrl+D
  // end-of-file; the echo comes back in the output as stream "stdin", where the program
  // got it, so the console and a replay read the same.
  class InputLine {
    constructor(onSend) {
      this.form = $("#console-stdin");
      this.field = $("#console-stdin-field");
      this.onSend = onSend;
      this.open = false;
      if (!this.form) return;
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.onSend({ data: `${this.field.value}\n`, eof: false });
        this.field.value = "";
      });
      this.field.addEventListener("keydown", (event) => {
        if (event.ctrlKey && (event.key === "d" || event.key === "D")) {
          event.preventDefault();
          if (this.field.value) this.onSend({ data: this.field.value, eof: true });
          else this.onSend({ data: "", eof: true });
          this.field.value = "";
          this.close();
        }
      });
    }

    show(focus) {
      if (!this.form || !this.open) return;
      const wasHidden = this.form.hidden;
      this.form.hidden = false;
      // Focused for typing, without moving the console (the user may have scrolled up).
      if (focus && wasHidden && !document.activeElement.closest(".cm-editor")) this.field.focus({ preventScroll: true });
    }

    hide() {
      if (this.form) this.form.hidden = true;
    }

    close() {
      this.open = false;
      this.hide();
    }
  }

  // --- The live output socket ---------------------------------------------------------

  // One execution's events. The server replays everything after `after`, then goes live;
  // on a dropped connection this reconnects with back-off from the last sequence number
  // seen, and drops anything at or below it: no gap, no duplicate.
  class RunStream {
    constructor(run, handlers, holdsStdin) {
      this.urls = run.urls;
      this.holdsStdin = holdsStdin;
      this.handlers = handlers;
      this.lastSeq = 0;
      this.retries = 0;
      this.ended = false;
      this.closed = false;
      this.socket = null;
    }

    open() {
      const url = new URL(this.urls.socket, location.href);
      url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
      url.searchParams.set("after", this.lastSeq);
      // A page that holds the run's stdin closes it (EOF) by going away.
      if (this.holdsStdin && !this.stdinClosed) url.searchParams.set("stdin", "1");
      const socket = new WebSocket(url);
      this.socket = socket;
      socket.addEventListener("open", () => {
        this.retries = 0;
        this.handlers.connection(true);
      });
      socket.addEventListener("message", (message) => this.receive(JSON.parse(message.data)));
      socket.addEventListener("close", (event) => {
        if (this.socket !== socket || this.ended || this.closed) return;
        if (event.code === 4404) {
          this.handlers.gone();
          return;
        }
        this.handlers.connection(false);
        const delay = Math.min(5000, 200 * 2 ** this.retries++);
        setTimeout(() => {
          if (!this.closed) this.open();
        }, delay);
      });
    }

    receive(event) {
      if (event.event === "output") {
        for (const [seq, stream, text] of event.chunks) {
          if (seq <= this.lastSeq) continue;
          this.lastSeq = seq;
          this.handlers.output(stream, text);
        }
      } else if (event.event === "status") {
        this.handlers.status(event.status);
      } else if (event.event === "exit") {
        this.ended = true;
        this.handlers.exit(event);
        this.socket.close();
      } else if (event.event === "cancel" && !event.accepted) {
        this.handlers.status("cancel-refused");
      } else if (event.event === "stdin" && !event.accepted) {
        this.handlers.refused(event.error);
      }
    }

    // Over the socket when it is open, else through the API (same checks, same path).
    writeStdin({ data, eof }) {
      if (eof) this.stdinClosed = true;
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ action: "stdin", data, eof }));
        return;
      }
      fetch(this.urls.stdin, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
        body: JSON.stringify({ data, eof }),
      }).catch(() => {}); // no answer: the run ends its input at its time limit anyway
    }

    cancel() {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ action: "cancel" }));
        return;
      }
      fetch(this.urls.cancel, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      }).catch(() => {}); // no answer: the status line shows the run still going
    }

    close() {
      this.closed = true;
      if (this.socket) this.socket.close();
    }
  }

  // --- Watching a run (both pages) ------------------------------------------------------

  // The console, the Stop button and the connection notice, set up once per page.
  // watch() follows one execution (closing the one followed before); showStop() shows or
  // hides the Stop button.
  page.startLiveConsole = () => {
    const consoleView = new Console();
    const stopButton = $("#stop-button");
    const connection = $("#connection");
    const clock = new Clock(consoleView.elapsed);
    const input = new InputLine((piece) => stream && stream.writeStdin(piece));
    let stream = null;

    // `run`: {id, active, interactive, elapsed_ms, urls}, as the server describes it.
    function watch(run, { onEnd }) {
      const { active } = run;
      if (stream) stream.close();
      consoleView.reset();
      consoleView.box.dataset.runId = run.id; // names a download of the output
      consoleView.placeholder.hidden = !active;
      if (active) consoleView.placeholder.textContent = "Waiting for output…";
      input.open = Boolean(active && run.interactive);
      input.hide();
      if (active) clock.start(run.elapsed_ms);
      else clock.stop();
      stream = new RunStream(run, {
        output: (name, text) => consoleView.write(name, text),
        status: (status) => {
          if (status === "cancel-refused") return;
          consoleView.setStatus(status);
          if (status === "running") input.show(true);
        },
        refused: (error) => {
          input.close();
          consoleView.write("stderr", `[stdin] ${error}\n`);
        },
        exit: (event) => {
          connection.hidden = true;
          clock.stop();
          input.close();
          consoleView.finish(event);
          consoleView.loadFiles(run);
          if (onEnd) onEnd(event);
        },
        connection: (connected) => {
          connection.hidden = connected;
        },
        gone: () => {
          clock.stop();
          input.close();
          consoleView.placeholder.hidden = false;
          consoleView.placeholder.textContent = "This run is not available any more.";
          if (onEnd) onEnd(null);
        },
      }, input.open);
      stream.open();
      return stream;
    }

    stopButton.addEventListener("click", () => {
      if (!stream) return;
      stopButton.disabled = true;
      stopButton.textContent = "Stopping…";
      stream.cancel();
    });

    function showStop(visible) {
      stopButton.hidden = !visible;
      stopButton.disabled = false;
      stopButton.textContent = "Stop";
    }

    return { consoleView, watch, showStop };
  };
})();
