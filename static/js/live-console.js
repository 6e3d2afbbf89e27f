// The console of the editor page and the run page: output rendering (ANSI colours, one
// write per animation frame, auto-scroll) and the websocket that streams a run's events,
// reconnecting and resuming by sequence number. Needs page-common.js and the editor bundle
// (CodeSandboxes.createAnsiConverter); exposes CodeSandboxesPage.startLiveConsole().
(() => {
  "use strict";

  const page = window.CodeSandboxesPage;
  const { config, $, csrfToken, formatDuration, formatBytes, statusInfo, capitalize } = page;

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
      this.converters = {
        stdout: CodeSandboxes.createAnsiConverter(),
        stderr: CodeSandboxes.createAnsiConverter(),
      };
      this.pending = [];
      this.output.textContent = "";
      this.end.textContent = "";
      this.files.textContent = "";
      this.lines = 0;
      this.follow = true;
      this.jump.hidden = true;
    }

    write(stream, text) {
      const html = this.converters[stream === "stderr" ? "stderr" : "stdout"].toHtml(text);
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
        ({ stream, html }) => `<span class="out-${stream === "stderr" ? "stderr" : "stdout"}">${html}</span>`,
      );
      this.pending = [];
      this.output.insertAdjacentHTML("beforeend", parts.join(""));
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
      if (event.duration_ms !== null && event.duration_ms !== undefined) parts.push(formatDuration(event.duration_ms));
      line.textContent = parts.join(" · ");
      this.end.replaceChildren(line);
      // An install failure's error is the installer's output, already on stderr above. A
      // run that succeeded has an error only to say its network stopped something.
      if (event.error && event.status !== "install_failed") {
        const why = document.createElement("div");
        why.className = "exit-error";
        why.textContent = event.error;
        this.end.append(why);
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

    async loadFiles(executionId) {
      const response = await fetch(`${config.urls.runs}${executionId}/`, { headers: { "HX-Request": "true" } });
      if (!response.ok) return;
      // Trimmed, so that a run that wrote nothing leaves the side rail :empty (hidden).
      this.files.innerHTML = (await response.text()).trim();
    }
  }

  // --- The live output socket ---------------------------------------------------------

  // One execution's events. The server replays everything after `after`, then goes live;
  // on a dropped connection this reconnects with back-off from the last sequence number
  // seen, and drops anything at or below it: no gap, no duplicate.
  class RunStream {
    constructor(executionId, handlers) {
      this.id = executionId;
      this.handlers = handlers;
      this.lastSeq = 0;
      this.retries = 0;
      this.ended = false;
      this.closed = false;
      this.socket = null;
    }

    open() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const url = `${scheme}//${location.host}${config.urls.socket}${this.id}/?after=${this.lastSeq}`;
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
      }
    }

    cancel() {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ action: "cancel" }));
        return;
      }
      fetch(`${config.urls.runs}${this.id}/cancel/`, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
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
    let stream = null;

    function watch(executionId, { active, onEnd }) {
      if (stream) stream.close();
      consoleView.reset();
      consoleView.placeholder.hidden = !active;
      if (active) consoleView.placeholder.textContent = "Waiting for output…";
      stream = new RunStream(executionId, {
        output: (name, text) => consoleView.write(name, text),
        status: (status) => {
          if (status === "cancel-refused") return;
          consoleView.setStatus(status);
        },
        exit: (event) => {
          connection.hidden = true;
          consoleView.finish(event);
          consoleView.loadFiles(executionId);
          if (onEnd) onEnd(event);
        },
        connection: (connected) => {
          connection.hidden = connected;
        },
        gone: () => {
          consoleView.placeholder.hidden = false;
          consoleView.placeholder.textContent = "This run is not available any more.";
          if (onEnd) onEnd(null);
        },
      });
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
