// Bundles each entry point into one self-contained ESM file under dist/, which is
// committed: GitHub runs dist/ as it is, and `npx matrix-tune` runs without a build.
// `--outdir DIR` builds elsewhere (the test that checks dist/ is fresh uses it).
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({ options: { outdir: { type: "string", default: "dist" } } });

const entries = { cli: "src/cli/main.ts", action: "src/action/main.ts" };

await build({
  entryPoints: entries,
  outdir: values.outdir,
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
