/**
 * The report page at scale: how long the page takes to build (the model in
 * Node) and to draw in Chromium, how long its longest main-thread task is
 * (what a user feels as a freeze), and how long a sort of the trials table
 * takes, for studies of 100, 500 and 2,000 trials. Each line is also given
 * as a ratio to the 100-trial study run in the same process.
 *
 *   npx tsx bench/report-page.ts [--sizes 100,500,2000] [--repeats 3]
 *
 * Needs Chromium (Debian's chromium package, or CHROMIUM_PATH).
 */

import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pageHtml } from "../src/page/html.ts";
import { viewerScript } from "../src/page/write.ts";
import { pageModel } from "../src/report/page-model.ts";
import { launchBrowser } from "../test/helpers/browser.ts";
import { configFrom } from "../test/helpers/config.ts";
import { simulateStudy } from "../test/helpers/simulate.ts";

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "100,500,2000" }, repeats: { type: "string", default: "3" } },
});
const sizes = values.sizes.split(",").map(Number);
const repeats = Number(values.repeats);

const viewer = viewerScript();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  trials: number;
  modelMs: number;
  bytes: number;
  drawMs: number;
  longestTaskMs: number;
  sortMs: number;
}

const browser = await launchBrowser();
const rows: Row[] = [];
for (const n of sizes) {
  const config = configFrom(`
name: bench-${n}
command: [train]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.0001, max: 1, scale: log}
  layers: {type: int, min: 1, max: 8}
  nodes: {type: int, min: 16, max: 512, scale: log}
  optimizer: {type: categorical, values: [sgd, adam, rmsprop]}
  dropout: {type: float, min: 0, max: 0.5}
  batch_size: {type: categorical, values: [16, 32, 64, 128, 256]}
strategy: random
budget: {max_trials: ${n}, parallel: 100}
`);
  const { study } = await simulateStudy(config, (t) => {
    const p = t.params as Record<string, number | string>;
    return (Math.log10(Number(p.lr)) + 2.5) ** 2 + 0.05 * (Number(p.layers) - 4) ** 2 + Number(p.dropout);
  });
  const times: Omit<Row, "trials" | "bytes">[] = [];
  let bytes = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const model = pageModel(config, study);
    const modelMs = performance.now() - t0;
    const file = join(mkdtempSync(join(tmpdir(), "mt-bench-page-")), "report.html");
    writeFileSync(file, pageHtml(model, viewer));
    bytes = statSync(file).size;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Long tasks (over 50 ms) from the start of the page's load, kept for the measurement.
    // (The page's scripts are strings: this file is type-checked without the DOM's types.)
    await page.addInitScript(`
      window.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
      }).observe({ type: "longtask", buffered: true });
    `);
    const start = performance.now();
    await page.goto(`file://${file}`);
    await page.waitForSelector("body[data-charts=drawn]", { timeout: 120_000 });
    const drawMs = performance.now() - start;
    const sortMs = await page.evaluate<number>(`(() => {
      const th = document.querySelectorAll("table.trials thead th")[3];
      const t = performance.now();
      th.click();
      return performance.now() - t;
    })()`);
    const longestTaskMs = await page.evaluate<number>("window.longest");
    await page.close();
    times.push({ modelMs, drawMs, longestTaskMs, sortMs });
  }
  rows.push({
    trials: n,
    bytes,
    modelMs: median(times.map((t) => t.modelMs)),
    drawMs: median(times.map((t) => t.drawMs)),
    longestTaskMs: median(times.map((t) => t.longestTaskMs)),
    sortMs: median(times.map((t) => t.sortMs)),
  });
  process.stderr.write(`${n} trials done\n`);
}
await browser.close();

const base = rows[0]!;
const cell = (v: number, b: number, unit: string) => `${v.toFixed(0)} ${unit} (${(v / b).toFixed(1)}×)`;
console.log(`Median of ${repeats}; ratios to the ${base.trials}-trial study.\n`);
console.log("| trials | page size | model (Node) | load to drawn | longest main-thread task | sort the table |");
console.log("| -: | -: | -: | -: | -: | -: |");
for (const r of rows)
  console.log(
    `| ${r.trials} | ${cell(r.bytes / 1024, base.bytes / 1024, "KiB")} | ${cell(r.modelMs, base.modelMs, "ms")} | ${cell(r.drawMs, base.drawMs, "ms")} | ${cell(r.longestTaskMs, base.longestTaskMs || 1, "ms")} | ${cell(r.sortMs, base.sortMs || 1, "ms")} |`,
  );
