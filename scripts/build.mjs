// Bundles each entry point into one self-contained ESM file under dist/, which is
// committed: GitHub runs dist/ as it is, and `npx matrix-tune` runs without a build.
import { build } from "esbuild";

const entries = { cli: "src/cli/main.ts" };

await build({
  entryPoints: entries,
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  legalComments: "none",
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mtCreateRequire } from 'node:module'; const require = __mtCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
