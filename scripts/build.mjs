// Bundles each entry point into one self-contained ESM file under dist/, which is
// committed: GitHub runs dist/ as it is, and `npx matrix-tune` runs without a build.
// `--outdir DIR` builds elsewhere (the test that checks dist/ is fresh uses it).
//
// dist/cli.js and dist/action.js are small loaders: they turn source maps on,
// then import the bundle (cli.bundle.js, action.bundle.js), so that a stack
// trace names src/ files and lines. Node reads a file's source map when it
// loads the file, so the bundle cannot turn them on for itself. The maps leave
// the sources out (they are in src/), and licenses.txt holds the license
// notices of every package bundled.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({ options: { outdir: { type: "string", default: "dist" } } });

const entries = { cli: "src/cli/main.ts", action: "src/action/main.ts" };

// Built as if into dist/, then written where asked: the maps' relative paths
// are then the same wherever a bundle is built, and the freshness test compares bytes.
const result = await build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [`${name}.bundle`, file])),
  outdir: "dist",
  write: false,
  metafile: true,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "linked",
  sourcesContent: false,
  // licenses.txt has every bundled package's notice, comment or not.
  legalComments: "none",
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mtCreateRequire } from 'node:module'; const require = __mtCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});

// The report page's script runs in a browser and is inlined into each page
// (src/page/html.ts), so it carries its packages' notices itself.
const viewer = await build({
  entryPoints: ["src/page/viewer/main.ts"],
  outfile: "dist/viewer.js",
  write: false,
  metafile: true,
  bundle: true,
  platform: "browser",
  target: "es2020",
  format: "iife",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
const viewerText = `/*! ${pageNotice(viewer.metafile)} */\n${viewer.outputFiles[0].text}`;
// The page inlines the script: either of these would end or upset its <script> element.
for (const bad of ["</script", "<!--"])
  if (viewerText.toLowerCase().includes(bad)) throw new Error(`dist/viewer.js contains ${bad}: it cannot be inlined`);

mkdirSync(values.outdir, { recursive: true });
for (const file of result.outputFiles) writeFileSync(join(values.outdir, basename(file.path)), file.contents);
writeFileSync(join(values.outdir, "viewer.js"), viewerText);
for (const name of Object.keys(entries)) {
  const loader = join(values.outdir, `${name}.js`);
  writeFileSync(
    loader,
    [
      ...(name === "cli" ? ["#!/usr/bin/env node"] : []),
      "// Made by scripts/build.mjs: source maps on, then the bundle, so that stack traces name src/ files.",
      "process.setSourceMapsEnabled(true);",
      `await import("./${name}.bundle.js");`,
      "",
    ].join("\n"),
  );
  if (name === "cli") chmodSync(loader, 0o755);
}
writeFileSync(
  join(values.outdir, "licenses.txt"),
  notices({ outputs: { ...result.metafile.outputs, ...viewer.metafile.outputs } }),
);

/** The line the page's script starts with: each bundled package, its license, and its NOTICE (Apache-2.0 asks for it). */
function pageNotice(metafile) {
  const roots = [...new Set(Object.keys(metafile.inputs).map(packageRoot).filter(Boolean))].sort();
  const parts = roots.map((root) => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const notice = readdirSync(root).find((f) => /^notice([.-]|$)/i.test(f));
    const text = notice ? `: ${readFileSync(join(root, notice), "utf8").trim().replace(/\s+/g, " ")}` : "";
    return `${pkg.name} ${pkg.version} (${pkg.license})${text}`;
  });
  return `matrix-tune report page. Bundled: ${parts.join("; ")}. License texts: licenses.txt in the matrix-tune package.`;
}

/**
 * The license notices of the packages in the bundles, found through the
 * metafile: each package's LICENSE (or LICENCE, COPYING, NOTICE) files, or
 * what its package.json says when it ships none.
 */
function notices(metafile) {
  const bundlesOf = new Map();
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    if (output.endsWith(".map")) continue;
    for (const input of Object.keys(inputs)) {
      const root = packageRoot(input);
      if (!root) continue;
      if (!bundlesOf.has(root)) bundlesOf.set(root, new Set());
      bundlesOf.get(root).add(basename(output));
    }
  }
  const rule = "=".repeat(78);
  const sections = [...bundlesOf.keys()].sort().map((root) => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const files = readdirSync(root)
      .filter((f) => /^(licen[cs]e|copying|notice)([.-]|$)/i.test(f))
      .sort();
    const texts = files.map((f) => readFileSync(join(root, f), "utf8").trim());
    const license = typeof pkg.license === "string" ? pkg.license : "no license field";
    return [
      rule,
      `${pkg.name} ${pkg.version} (${license}), in ${[...bundlesOf.get(root)].sort().join(", ")}`,
      rule,
      texts.length ? texts.join("\n\n") : `The package ships no license file; its package.json says: ${license}.`,
    ].join("\n");
  });
  return `Third-party software bundled in matrix-tune's dist/, with the notices its packages carry (made by scripts/build.mjs).\n\n${sections.join("\n\n")}\n`;
}

/** `node_modules/@scope/name` or `node_modules/name` (the innermost) of a bundled file, or undefined for our own. */
function packageRoot(input) {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith("@") ? at + 3 : at + 2;
  return parts.slice(0, length).join("/");
}
