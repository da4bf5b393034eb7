/**
 * The report page in a real browser (Chromium, through playwright-core):
 * each example's study, run by the bundled CLI as users run it, gives a page
 * that loads without a complaint, draws every chart, and sorts and filters
 * its table; names full of markup stay text; 2,000 trials still draw. A
 * screenshot of every section goes to test-output/report-page/ for a person
 * to look at.
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { writeStudy } from "../../src/study/store.ts";
import { coloredPixels, launchBrowser, openPage, pointInColor } from "../helpers/browser.ts";
import { BUNDLE, ROOT, runCli } from "../helpers/cli.ts";
import { configFrom } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const OUT = join(ROOT, "test-output", "report-page");
/** Colored pixels a chart with its data drawn has at least (an empty one has none). */
const DRAWN = 150;

let browser: Browser;
before(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
});
after(() => browser?.close());

interface JsonTrial {
  id: number;
  status: string;
  params: Record<string, string | number | boolean>;
  value: number | null;
}

/** Runs the example with fewer trials into a fresh directory; the page `run` wrote, and the study as `report --json` gives it. */
async function runExample(
  file: string,
  trials: number,
): Promise<{ dir: string; page: string; json: JsonTrial[]; best: number }> {
  const dir = mkdtempSync(join(tmpdir(), "mt-page-"));
  const r = await runCli([
    "run",
    join(ROOT, "examples/digits-mlp", file),
    "--max-trials",
    String(trials),
    "--state-dir",
    dir,
    "--no-progress",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`page: +${join(dir, "report.html")}`));
  const json = JSON.parse((await runCli(["report", join(dir, "state.json"), "--json"])).stdout);
  return { dir, page: join(dir, "report.html"), json: json.trials, best: json.best.trial };
}

/** A project of its own: `train.cjs` (the trial) and `tune.yml`, in a new temporary directory. */
function project(train: string, config: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-page-"));
  writeFileSync(join(dir, "train.cjs"), train);
  writeFileSync(join(dir, "tune.yml"), config);
  return dir;
}

async function sectionIds(page: Page): Promise<string[]> {
  return page.$$eval("main > *", (nodes) => nodes.map((n) => n.id));
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const id of await sectionIds(page))
    await page.locator(`#${id}`).screenshot({ path: join(OUT, `${name}-${id}.png`) });
}

async function assertDrawn(page: Page): Promise<void> {
  const charts = await coloredPixels(page);
  assert.ok(charts.length > 0, "the page has charts");
  for (const c of charts)
    assert.ok(c.pixels >= DRAWN, `a chart in #${c.section} is empty (${c.pixels} colored pixels)`);
}

/** The visible rows' cells under the column titled `title`. */
async function column(page: Page, title: string): Promise<string[]> {
  return page.$$eval(
    "table.trials",
    ([table], t) => {
      const heads = [...table!.querySelectorAll("thead th")].map((th) => th.textContent!.replace(/ [▲▼]$/, ""));
      const k = heads.indexOf(t);
      if (k < 0) throw new Error(`no column ${t} in ${heads.join(", ")}`);
      return [...table!.querySelectorAll("tbody tr")].map((tr) => tr.children[k]!.textContent!);
    },
    title,
  );
}

async function filter(page: Page, query: string): Promise<void> {
  await page.fill("#filter", query);
}

/** Sorting and filtering the table, checked against the study as `report --json` gives it. */
async function checkTable(page: Page, trials: readonly JsonTrial[], metric: string): Promise<void> {
  const total = trials.length;
  assert.equal(await page.textContent("#shown"), `${total} of ${total} trials`);

  const trialHeader = page.locator("table.trials thead th", { hasText: /^trial/ });
  await trialHeader.click();
  await trialHeader.click();
  assert.equal(await trialHeader.getAttribute("aria-sort"), "descending");
  const ids = (await column(page, "trial")).map(Number);
  assert.deepEqual(
    ids,
    trials.map((t) => t.id).sort((a, b) => b - a),
  );

  await page.locator("table.trials thead th", { hasText: new RegExp(`^${metric}`) }).click();
  const values = (await column(page, metric)).filter((v) => v !== "–").map(Number);
  assert.deepEqual(
    values,
    [...values].sort((a, b) => a - b),
    `sorted by ${metric}, ascending`,
  );
  assert.equal(values.length, trials.filter((t) => t.value !== null).length);

  await filter(page, "layers>=2 status=succeeded");
  const expected = trials.filter((t) => Number(t.params.layers) >= 2 && t.status === "succeeded");
  assert.equal(await page.textContent("#shown"), `${expected.length} of ${total} trials`);
  assert.deepEqual(
    (await column(page, "trial")).map(Number).sort((a, b) => a - b),
    expected.map((t) => t.id).sort((a, b) => a - b),
  );
  for (const layers of await column(page, "layers")) assert.ok(Number(layers) >= 2);

  await filter(page, "nosuch<3");
  assert.match((await page.textContent("#filter-problem"))!, /no column named nosuch/);
  await filter(page, "");
  assert.equal(await page.textContent("#shown"), `${total} of ${total} trials`);
  assert.equal(await page.textContent("#filter-problem"), "");
}

const BASE = ["summary", "history", "importance", "contour", "parallel", "slices"];

describe("the report page of each example, in Chromium", () => {
  const examples = [
    { file: "tune.yml", trials: 8, sections: [...BASE, "curves", "trials"] },
    { file: "hyperband.yml", trials: 40, sections: [...BASE, "curves", "rungs", "trials"] },
    {
      file: "multi-objective.yml",
      trials: 8,
      sections: ["summary", "history", "front", "importance", "contour", "parallel", "slices", "curves", "trials"],
    },
  ];
  for (const ex of examples)
    it(`draws every section, sorts and filters: examples/digits-mlp/${ex.file}`, async () => {
      const { dir, page: file, json, best } = await runExample(ex.file, ex.trials);
      // `report --html` writes the page `run` wrote, byte for byte: nothing in it depends on when or where.
      const again = join(dir, "again.html");
      const r = await runCli(["report", join(dir, "state.json"), "--html", again]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(again, "utf8"), readFileSync(file, "utf8"));

      const { page, problems } = await openPage(browser, file);
      assert.deepEqual(await sectionIds(page), ex.sections);
      await assertDrawn(page);
      await screenshots(page, ex.file.replace(".yml", ""));
      await checkTable(page, json, "val_accuracy");
      // The chosen trial's point (gold) in the history or the front, clicked: the table shows that trial alone.
      const plane = ex.sections.includes("front") ? "#front" : "#history";
      await page.locator(plane).scrollIntoViewIfNeeded();
      const chosen = await pointInColor(page, plane, [191, 135, 0], 32);
      assert.ok(chosen, "the chosen trial is drawn in gold");
      await page.mouse.click(chosen.x, chosen.y);
      assert.equal(await page.inputValue("#filter"), `trial=${best}`);
      assert.deepEqual(await column(page, "trial"), [String(best)]);
      assert.deepEqual(await column(page, "mark"), ["★ best"]);
      assert.deepEqual(problems, []);
      await page.close();
    });
});

describe("a study whose values hold markup", () => {
  const HOSTILE = [`<img src=x onerror="document.title='pwned'">`, `</script><script>document.title='pwned'</script>`];

  it("shows them as text, and the page's policy stops a script that gets in anyway", async () => {
    const dir = project(
      `require("node:fs").writeFileSync(process.env.TUNE_METRICS_FILE, JSON.stringify({ loss: Number(process.argv[3]) + process.argv[2].length / 100 }));`,
      `name: hostile
command: [node, train.cjs, "\${kind}", "\${x}"]
objective: {metric: loss, goal: minimize}
parameters:
  kind: {type: categorical, values: ${JSON.stringify([...HOSTILE, "plain"])}}
  x: {type: float, min: 0, max: 1}
strategy: random
budget: {max_trials: 12, parallel: 4}
`,
    );
    const r = await runCli(["run", join(dir, "tune.yml"), "--state-dir", join(dir, "state"), "--no-progress"]);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(dir, "state", "report.html"), "utf8");
    // One script element for the data and one for the viewer: the values did not close or open any.
    assert.equal(html.match(/<script/g)?.length, 2);

    const { page, problems } = await openPage(browser, join(dir, "state", "report.html"));
    assert.equal(await page.title(), "hostile · matrix-tune");
    assert.equal(await page.locator("img").count(), 0);
    // The table shows each value as the text it is.
    const kinds = new Set(await column(page, "kind"));
    for (const k of kinds) assert.ok([...HOSTILE, "plain"].includes(k), k);
    assert.ok(
      HOSTILE.some((h) => kinds.has(h)),
      `a value with markup is among the trials: ${[...kinds]}`,
    );
    await screenshots(page, "hostile");
    assert.deepEqual(problems, []);

    // Markup that reaches the document all the same runs no handler: the policy allows the viewer's script only.
    await page.locator("body").evaluate((body, h) => body.insertAdjacentHTML("beforeend", h), HOSTILE[0]!);
    await page.waitForTimeout(200);
    assert.equal(await page.title(), "hostile · matrix-tune");
    assert.ok(
      problems.some((p) => /Content Security Policy/i.test(p)),
      `the browser reports the blocked handler: ${problems}`,
    );
    await page.close();
  });
});

describe("a study of 2,000 trials", () => {
  it("draws every chart and sorts its table", async () => {
    const config = configFrom(`
name: large
command: [train]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.0001, max: 1, scale: log}
  layers: {type: int, min: 1, max: 8}
  optimizer: {type: categorical, values: [sgd, adam, rmsprop]}
  dropout: {type: float, min: 0, max: 0.5}
strategy: random
budget: {max_trials: 2000, parallel: 100}
`);
    const penalty = { sgd: 0.3, adam: 0, rmsprop: 0.1 } as Record<string, number>;
    const { study } = await simulateStudy(config, (t) => {
      const p = t.params as { lr: number; layers: number; optimizer: string; dropout: number };
      return (Math.log10(p.lr) + 2.5) ** 2 + 0.05 * (p.layers - 4) ** 2 + penalty[p.optimizer]! + p.dropout;
    });
    assert.equal(study.trials.length, 2000);
    const dir = mkdtempSync(join(tmpdir(), "mt-page-large-"));
    writeStudy(join(dir, "state.json"), study);
    const file = join(dir, "report.html");
    const r = await runCli(["report", join(dir, "state.json"), "--html", file]);
    assert.equal(r.code, 0, r.stderr);

    const { page, problems } = await openPage(browser, file);
    await assertDrawn(page);
    assert.equal(await page.textContent("#shown"), "2000 of 2000 trials");
    // The first 200 rows are drawn, more on request.
    const rows = page.locator("table.trials tbody tr");
    assert.equal(await rows.count(), 200);
    await page.click("#more");
    assert.equal(await rows.count(), 400);
    await page.locator("table.trials thead th", { hasText: /^loss/ }).click();
    const best = Math.min(
      ...study.trials.map((t) => (t.attempts[0]!.status === "succeeded" ? t.attempts[0]!.value : Infinity)),
    );
    assert.equal(Number((await column(page, "loss"))[0]), Number(best.toPrecision(4)));
    await filter(page, "optimizer=adam lr<0.01");
    const expected = study.trials.filter((t) => t.params.optimizer === "adam" && Number(t.params.lr) < 0.01).length;
    assert.equal(await page.textContent("#shown"), `${expected} of 2000 trials`);
    await screenshots(page, "large");
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe("a study where every trial failed", () => {
  it("says so instead of drawing empty charts, and lists the failures", async () => {
    const dir = project(
      `console.error("out of memory"); process.exit(1);`,
      `name: failing
command: [node, train.cjs, "\${x}"]
objective: {metric: loss, goal: minimize}
parameters: {x: {type: float, min: 0, max: 1}}
strategy: random
budget: {max_trials: 4, parallel: 4, max_failures: 10}
`,
    );
    const state = join(dir, "state");
    const r = await runCli(["run", join(dir, "tune.yml"), "--state-dir", state, "--no-progress"]);
    assert.equal(r.code, 3, r.stderr);
    const { page, problems } = await openPage(browser, join(state, "report.html"));
    assert.deepEqual(await sectionIds(page), ["summary", "history", "trials"]);
    assert.equal(await page.locator(".chart").count(), 0);
    assert.match((await page.textContent("#history"))!, /No trial has a result yet/);
    assert.deepEqual(await column(page, "status"), ["failed", "failed", "failed", "failed"]);
    await screenshots(page, "failed");
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe("a bundle without the page's script", () => {
  it("still runs and saves the study, warning that the page was not written; report --html says what is missing", async () => {
    const dir = project(
      `console.log("loss=" + process.argv[2]);`,
      `name: bare
command: [node, train.cjs, "\${x}"]
objective: {metric: loss, goal: minimize}
parameters: {x: {type: float, min: 0, max: 1}}
strategy: random
budget: {max_trials: 3, parallel: 3}
`,
    );
    const bundle = join(dir, "dist");
    cpSync(BUNDLE, bundle, { recursive: true });
    rmSync(join(bundle, "viewer.js"));
    const cli = join(bundle, "cli.js");
    const state = join(dir, "state");
    const r = await runCli(["run", join(dir, "tune.yml"), "--state-dir", state, "--no-progress"], { cli });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 trials in 1 rounds, 3 succeeded/);
    assert.ok(existsSync(join(state, "state.json")));
    assert.ok(!existsSync(join(state, "report.html")));
    assert.match(
      r.stderr,
      /warning: the report page was not written: the report page's script \(viewer\.js\) is not beside the bundle/,
    );
    assert.doesNotMatch(r.stdout, /page: /);
    const page = await runCli(["report", join(state, "state.json"), "--html", join(dir, "page.html")], { cli });
    assert.equal(page.code, 1);
    assert.match(
      page.stderr,
      /^error: the report page's script \(viewer\.js\) is not beside the bundle: looked for .*viewer\.js; run {2}npm run build$/m,
    );
  });
});
