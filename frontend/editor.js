// Entry of static/vendor/editor.bundle.js: a CodeMirror 6 editor and an ANSI-to-HTML
// converter, exposed as window.CodeSandboxes (see README.md for the API).

import { basicSetup } from "codemirror";
import { indentWithTab } from "@codemirror/commands";
import { javascript, javascriptLanguage, scopeCompletionSource } from "@codemirror/lang-javascript";
import { python, pythonLanguage } from "@codemirror/lang-python";
import {
  HighlightStyle,
  ensureSyntaxTree,
  indentUnit,
  syntaxHighlighting,
  syntaxTree,
} from "@codemirror/language";
import { linter, lintGutter } from "@codemirror/lint";
import { openSearchPanel, search } from "@codemirror/search";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { AnsiUp } from "ansi_up";

// Syntax errors as you type: the language's own parser marks what it could not parse
// with error nodes (Lezer's error recovery); each becomes an underlined diagnostic. Only
// the first few are shown: after one real mistake the rest are mostly its echoes.
const MAX_SYNTAX_ERRORS = 5;

// Where to underline an error node: itself, or for a zero-width one (something missing)
// the last character written before it, since the end of a line has no width to mark.
function errorRange(state, from, to) {
  if (from !== to) return { from, to, missing: false };
  const next = state.sliceDoc(from, from + 1);
  if (next && !/\s/.test(next)) return { from, to: from + 1, missing: true };
  let at = from;
  while (at > 0 && /\s/.test(state.sliceDoc(at - 1, at))) at -= 1;
  return { from: Math.max(0, at - 1), to: Math.max(at, 1), missing: true };
}

function describeError(state, { from, to, missing }) {
  const line = state.doc.lineAt(from).number;
  const text = state.sliceDoc(from, to).trim().slice(0, 20);
  if (!text) return `Syntax error on line ${line}.`;
  return missing
    ? `Syntax error: something is missing after “${text}” (line ${line}).`
    : `Syntax error at “${text}” (line ${line}).`;
}

const syntaxErrors = linter(
  (view) => {
    const { state } = view;
    if (!state.doc.length) return [];
    const tree = ensureSyntaxTree(state, state.doc.length, 200);
    if (!tree) return [];
    const diagnostics = [];
    tree.iterate({
      enter(node) {
        if (!node.type.isError || diagnostics.length >= MAX_SYNTAX_ERRORS) return;
        const range = errorRange(state, node.from, node.to);
        const last = diagnostics[diagnostics.length - 1];
        if (last && last.to >= range.from) return; // the same place, reported once
        diagnostics.push({ ...range, severity: "error", source: "syntax", message: describeError(state, range) });
      },
    });
    return diagnostics.map(({ missing, ...diagnostic }) => diagnostic);
  },
  { delay: 300 },
);

const checked = () => [syntaxErrors, lintGutter()];

// Completion. The language packages complete the names in scope where the cursor is
// (their localCompletionSource: variables, functions, classes, imports, parameters) and
// Python's built-ins, but nothing after a dot: `cart.it` offers no `items`. Members are
// completed from the file's own syntax tree: every property it uses or defines
// (`self.items = []`, `{ total: 1 }`, class fields and methods, a Python class's
// methods and attributes).
const IDENTIFIER = /^[\w$\xa1-\uffff]*$/;

function pythonClassMember(node) {
  const statement = node.parent;
  const body = statement && statement.parent;
  if (!body || body.name !== "Body" || !body.parent || body.parent.name !== "ClassDefinition") return null;
  if (statement.name === "FunctionDefinition") return "method";
  if (statement.name === "AssignStatement" && statement.firstChild.from === node.from) return "property";
  return null;
}

function memberKind(node) {
  if (node.name === "PropertyName") {
    const call = node.parent && node.parent.parent;
    return call && call.name === "CallExpression" ? "method" : "property";
  }
  if (node.name === "PropertyDefinition") {
    return node.parent && node.parent.name === "MethodDeclaration" ? "method" : "property";
  }
  return node.name === "VariableName" ? pythonClassMember(node) : null;
}

function memberNames(state, typing) {
  const kinds = new Map();
  syntaxTree(state).iterate({
    enter(ref) {
      if (ref.from === typing) return;
      const kind = memberKind(ref.node);
      const name = kind && state.sliceDoc(ref.from, ref.to);
      if (name && (!kinds.has(name) || kind === "method")) kinds.set(name, kind);
    },
  });
  return [...kinds].map(([label, type]) => ({ label, type }));
}

function memberCompletion(context) {
  const inner = syntaxTree(context.state).resolveInner(context.pos, -1);
  let from;
  if (inner.name === "PropertyName") from = inner.from;
  else if ((inner.name === "." || inner.name === "?.") && inner.parent && inner.parent.name === "MemberExpression") from = context.pos;
  else return null;
  return { from, options: memberNames(context.state, from), validFor: IDENTIFIER };
}

// Node.js's globals: those the browser shares are completed from the browser's own objects,
// members included (`console.log`, `Math.floor`, `JSON.stringify`); Node's own, which no
// browser has, by name only (undefined: nothing to look inside).
const SHARED_GLOBALS = [
  "Array", "BigInt", "Boolean", "Date", "Error", "Intl", "JSON", "Map", "Math", "Number",
  "Object", "Promise", "Reflect", "RegExp", "Set", "String", "Symbol", "TextDecoder",
  "TextEncoder", "TypeError", "URL", "URLSearchParams", "WeakMap", "WeakSet", "clearInterval",
  "clearTimeout", "console", "decodeURIComponent", "encodeURIComponent", "fetch", "isNaN",
  "parseFloat", "parseInt", "queueMicrotask", "setInterval", "setTimeout", "structuredClone",
];
const NODE_GLOBALS = ["Buffer", "__dirname", "__filename", "exports", "module", "process", "require"];
const nodeGlobals = scopeCompletionSource(
  // No prototype: Object.prototype's toString and the like are no globals to offer.
  Object.assign(
    Object.create(null),
    Object.fromEntries([
      ...SHARED_GLOBALS.map((name) => [name, globalThis[name]]),
      ...NODE_GLOBALS.map((name) => [name, undefined]),
    ]),
  ),
);

const pythonCompletion = pythonLanguage.data.of({ autocomplete: memberCompletion });
const nodeCompletion = [memberCompletion, nodeGlobals].map((source) =>
  javascriptLanguage.data.of({ autocomplete: source }),
);

// PEP 8 indents by four spaces; JavaScript and TypeScript code mostly by two.
const languages = {
  python: () => [python(), pythonCompletion, indentUnit.of("    "), checked()],
  javascript: () => [javascript(), nodeCompletion, indentUnit.of("  "), checked()],
  typescript: () => [javascript({ typescript: true }), nodeCompletion, indentUnit.of("  "), checked()],
  // Data and notes (.txt, .csv, .json, .md...): no highlighting to get wrong.
  text: () => [indentUnit.of("    ")],
};

function languageExtension(name) {
  const make = languages[name];
  if (!make) throw new Error(`Unknown language "${name}"; expected one of ${Object.keys(languages)}`);
  return make();
}

const mono = 'ui-monospace, "SFMono-Regular", "Cascadia Mono", Menlo, Consolas, monospace';

// Colours are CSS variables with the light theme's values as fallbacks: the page's dark
// theme (static/css/tokens.css, :root[data-theme="dark"]) sets them, and the editor follows
// a theme change at once, without being rebuilt.
const c = (name, light) => `var(--cm-${name}, ${light})`;

const editorTheme = EditorView.theme({
  "&": { color: c("text", "#1d2330"), backgroundColor: c("bg", "#ffffff"), fontSize: "14px", height: "100%" },
  "&.cm-focused": { outline: `2px solid ${c("focus", "#2f5bea33")}`, outlineOffset: "-2px" },
  ".cm-scroller": { fontFamily: mono, lineHeight: "1.55" },
  ".cm-content": { caretColor: c("caret", "#2f5bea"), padding: "8px 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: c("caret", "#2f5bea"), borderLeftWidth: "2px" },
  ".cm-gutters": { backgroundColor: c("gutter-bg", "#f6f7f9"), color: c("gutter-text", "#8a93a6"), borderRight: `1px solid ${c("gutter-border", "#e6e9ef")}` },
  ".cm-lineNumbers .cm-gutterElement": { padding: "0 10px 0 14px" },
  ".cm-activeLine": { backgroundColor: c("active-line", "#2f5bea0a") },
  ".cm-activeLineGutter": { backgroundColor: c("active-gutter", "#eceff4"), color: c("active-gutter-text", "#3b4252") },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: c("selection", "#cfdcff") },
  ".cm-selectionMatch": { backgroundColor: c("selection-match", "#e4ebff") },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: c("bracket", "#dbe4ff"), outline: `1px solid ${c("bracket-outline", "#a9bcf5")}` },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: c("bracket-bad", "#fdecea") },
  ".cm-searchMatch": { backgroundColor: c("search", "#fff3bf"), outline: `1px solid ${c("search-outline", "#f0d060")}` },
  ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: c("search-selected", "#ffe066") },
  ".cm-panels": { backgroundColor: c("gutter-bg", "#f6f7f9"), color: c("text", "#1d2330") },
  ".cm-panels.cm-panels-bottom": { borderTop: `1px solid ${c("border", "#dde1e8")}` },
  ".cm-tooltip": { border: `1px solid ${c("border", "#dde1e8")}`, backgroundColor: c("bg", "#ffffff"), color: c("text", "#1d2330") },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: c("caret", "#2f5bea"), color: "#fff" },
});

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: c("keyword", "#8a3ffc") },
  { tag: [t.string, t.special(t.string), t.regexp], color: c("string", "#0a7d3c") },
  { tag: [t.number, t.bool, t.null, t.atom], color: c("number", "#b45309") },
  { tag: t.comment, color: c("comment", "#7b8494"), fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: c("function", "#2f5bea") },
  { tag: [t.definition(t.variableName), t.definition(t.function(t.variableName))], color: c("definition", "#1d4ed8") },
  { tag: [t.className, t.typeName, t.namespace], color: c("type", "#b42318") },
  { tag: [t.self, t.special(t.variableName)], color: c("keyword", "#8a3ffc"), fontStyle: "italic" },
  { tag: [t.meta, t.annotation], color: c("meta", "#6b7280") },
  { tag: t.invalid, color: c("invalid", "#b3261e") },
]);

// The search panel (Ctrl+F) opens above the code, as in other editors, and its labels
// read as the rest of the page's buttons do; the page's stylesheet gives it the app's look.
const searchPanel = [
  search({ top: true }),
  EditorState.phrases.of({
    next: "Next",
    previous: "Previous",
    all: "All",
    "match case": "Match case",
    regexp: "Regexp",
    "by word": "Whole word",
    replace: "Replace",
    "replace all": "Replace all",
    close: "Close search",
    go: "Go",
  }),
];

/**
 * createEditor(parent, {doc, language, onRun, onChange?, nonce?}) mounts an editor in
 * `parent` and returns {getDoc, setDoc, setLanguage, focus, goToLine, openSearch, destroy}.
 */
function createEditor(parent, { doc = "", language = "python", onRun, onChange, nonce } = {}) {
  const languageSlot = new Compartment();

  // Highest precedence: the default keymap binds Mod-Enter to insertBlankLine.
  const runKeymap = Prec.highest(
    keymap.of([
      {
        key: "Mod-Enter",
        run: () => {
          if (!onRun) return false;
          onRun();
          return true;
        },
      },
    ]),
  );

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        runKeymap,
        basicSetup,
        searchPanel,
        keymap.of([indentWithTab]),
        languageSlot.of(languageExtension(language)),
        editorTheme,
        syntaxHighlighting(highlight),
        // CodeMirror injects a <style> element; under style-src without 'unsafe-inline'
        // it needs the page's nonce.
        EditorView.cspNonce.of(nonce || ""),
        // tabindex: the content is in the tab order anyway (contenteditable); saying so lets
        // checkers (axe's scrollable-region-focusable) see the scroller is reachable.
        EditorView.contentAttributes.of({ "aria-label": "Code editor", tabindex: "0" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    getDoc: () => view.state.doc.toString(),
    setDoc: (text) =>
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    setLanguage: (name) =>
      view.dispatch({ effects: languageSlot.reconfigure(languageExtension(name)) }),
    focus: () => view.focus(),
    // A traceback's line (1-based) and column: the cursor there, scrolled into view.
    goToLine: (number, column = 1) => {
      const line = view.state.doc.line(Math.min(Math.max(1, number), view.state.doc.lines));
      const at = Math.min(line.from + Math.max(0, column - 1), line.to);
      view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: "center" }) });
      view.focus();
    },
    // The search panel, as Ctrl+F opens it (for a button: a phone has no Ctrl).
    openSearch: () => openSearchPanel(view),
    destroy: () => view.destroy(),
  };
}

// ansi_up puts bold/italic/underline/faint and 256-colour / 24-bit colours in style=""
// attributes, which the CSP blocks. Its text is already escaped (a quote is &quot;), so
// every style="..." in the output is ansi_up's own: the markers below become classes, the
// colours data-fg / data-bg attributes that paintAnsi() applies through the CSSOM (which
// the CSP allows), and the rest is dropped.
const styleClasses = {
  boldStyle: "ansi-bold",
  faintStyle: "ansi-faint",
  italicStyle: "ansi-italic",
  underlineStyle: "ansi-underline",
};
const SPAN_OPEN = /<span(?: style="([^"]*)")?(?: class="([^"]*)")?>/g;
const RGB = /^(color|background-color):rgb\((\d{1,3}),(\d{1,3}),(\d{1,3})\)$/;

function hex(r, g, b) {
  return [r, g, b].map((n) => Math.min(255, Number(n)).toString(16).padStart(2, "0")).join("");
}

function createAnsiConverter() {
  const ansiUp = new AnsiUp();
  ansiUp.use_classes = true;
  ansiUp.escape_html = true;
  for (const [property, className] of Object.entries(styleClasses)) ansiUp[property] = className;

  return {
    toHtml(text) {
      return ansiUp.ansi_to_html(text).replace(SPAN_OPEN, (_, style = "", cls = "") => {
        const rules = style.split(";");
        const classes = [...cls.split(" "), ...rules.filter((s) => s.startsWith("ansi-"))].filter(Boolean);
        let attributes = classes.length ? ` class="${classes.join(" ")}"` : "";
        for (const rule of rules) {
          const match = rule.match(RGB);
          if (match) attributes += ` data-${match[1] === "color" ? "fg" : "bg"}="${hex(match[2], match[3], match[4])}"`;
        }
        return `<span${attributes}>`;
      });
    },
  };
}

/** ansiToHtml(text) -> escaped HTML whose colours are ansi-* classes (static/css/console.css)
 * and, for 256-colour and 24-bit ones, data-fg / data-bg attributes (see paintAnsi). */
function ansiToHtml(text) {
  return createAnsiConverter().toHtml(text);
}

/** paintAnsi(root): gives the data-fg / data-bg spans under `root` their colours (once). */
function paintAnsi(root) {
  for (const span of root.querySelectorAll("[data-fg], [data-bg]")) {
    if (span.dataset.fg) span.style.color = `#${span.dataset.fg}`;
    if (span.dataset.bg) span.style.backgroundColor = `#${span.dataset.bg}`;
    delete span.dataset.fg;
    delete span.dataset.bg;
  }
}

window.CodeSandboxes = Object.freeze({ createEditor, ansiToHtml, createAnsiConverter, paintAnsi });
