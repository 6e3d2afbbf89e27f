// Builds ../static/vendor/editor.bundle.js (one minified IIFE) and, beside it,
// editor.bundle.LICENSES.txt with the license of every package that ends up in the bundle.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "static", "vendor");

const result = await build({
  entryPoints: [join(here, "editor.js")],
  outfile: join(outDir, "editor.bundle.js"),
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  // The packages carry no license comments; the notices go to the LICENSES file instead.
  legalComments: "none",
  banner: {
    js: "/* Code Sandboxes editor bundle, built from frontend/ (npm run build). Licenses: editor.bundle.LICENSES.txt */",
  },
  metafile: true,
  logLevel: "info",
});

// "node_modules/@codemirror/view/dist/index.js" -> "@codemirror/view", for every input
// that left code in the bundle (a re-export alone leaves none).
const [output] = Object.values(result.metafile.outputs);
const packageNames = new Set();
for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match && bytesInOutput > 0) packageNames.add(match[1]);
}

const sections = [...packageNames].sort().map((name) => {
  const dir = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licenseFile = readdirSync(dir).find((file) => /^(licen[cs]e|copying)/i.test(file));
  const text = licenseFile ? readFileSync(join(dir, licenseFile), "utf8").trim() : "(no license file shipped)";
  return `${meta.name}@${meta.version} (${meta.license})\n${"-".repeat(60)}\n${text}\n`;
});

writeFileSync(
  join(outDir, "editor.bundle.LICENSES.txt"),
  `Third-party packages bundled into editor.bundle.js (${sections.length}):\n\n${sections.join("\n\n")}`,
);
console.log(`Licenses of ${sections.length} packages written to editor.bundle.LICENSES.txt`);

// axe-core for the browser tests' accessibility check (tests/browser/test_accessibility.py):
// vendored as npm ships it, with its license, never served by the app.
const axeDir = join(here, "..", "tests", "browser", "vendor");
mkdirSync(axeDir, { recursive: true });
copyFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), join(axeDir, "axe.min.js"));
copyFileSync(join(here, "node_modules", "axe-core", "LICENSE"), join(axeDir, "axe.LICENSE.txt"));
console.log("axe-core copied to tests/browser/vendor/");
