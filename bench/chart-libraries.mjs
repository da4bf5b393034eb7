// The measurement behind the report page's chart library (docs/benchmarks.md#the-report-page):
// each candidate bundled as the page would carry it (esbuild, minified, one IIFE),
// its size raw and gzipped, and the ratio to ECharts with only the page's charts.
// Installs the candidates into a temporary folder from the npm registry.
//   node bench/chart-libraries.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const dir = mkdtempSync(join(tmpdir(), "mt-chartlibs-"));
const packages = ["echarts", "uplot", "vega", "vega-lite", "vega-embed", "chart.js", "plotly.js-dist-min"];
writeFileSync(join(dir, "package.json"), "{}");
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", ...packages], { cwd: dir, stdio: "inherit" });

const candidates = {
  // The page's own module: ECharts with only the charts it draws (line, scatter, parallel, bar, custom) on canvas.
  "ECharts, the page's charts only (src/page/viewer/charts.ts)": {
    file: new URL("../src/page/viewer/charts.ts", import.meta.url).pathname,
  },
  "ECharts, everything": { source: 'import * as e from "echarts"; window.e = e;' },
  "uPlot (lines and points only)": { source: 'import u from "uplot"; window.u = u;' },
  "Chart.js (no parallel coordinates, no heatmap)": { source: 'import C from "chart.js/auto"; window.C = C;' },
  "Vega-Lite with Vega and vega-embed": { source: 'import v from "vega-embed"; window.v = v;' },
};
const rows = [];
for (const [name, { file, source }] of Object.entries(candidates)) {
  const entry = file ?? join(dir, `${rows.length}.js`);
  if (source) writeFileSync(entry, source);
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "iife",
    write: false,
    logLevel: "error",
  });
  const text = out.outputFiles[0].contents;
  rows.push([name, text.length, gzipSync(text, { level: 9 }).length]);
}
const plotly = readFileSync(join(dir, "node_modules/plotly.js-dist-min/plotly.min.js"));
rows.push(["Plotly (its minified dist)", plotly.length, gzipSync(plotly, { level: 9 }).length]);
const [, baseRaw] = rows[0];
const versions = packages.map(
  (p) => `${p} ${JSON.parse(readFileSync(join(dir, "node_modules", p, "package.json"), "utf8")).version}`,
);
console.log(`Versions: ${versions.join(", ")}.\n`);
console.log("| library | minified | gzipped | × the page's |");
console.log("| --- | -: | -: | -: |");
for (const [name, raw, gz] of rows)
  console.log(
    `| ${name} | ${(raw / 1024).toFixed(0)} KiB | ${(gz / 1024).toFixed(0)} KiB | ${(raw / baseRaw).toFixed(2)} |`,
  );
