/**
 * The README's picture of the report page: the page of a saved study, opened
 * in Chromium, from its top down to the parallel coordinates.
 *
 *   npx tsx scripts/screenshot-report-page.ts examples/digits-mlp/.matrix-tune/digits-mlp/state.json docs/images/report-page.png
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeReportPage } from "../src/page/write.ts";
import { readStudy } from "../src/study/store.ts";
import { launchBrowser, openPage } from "../test/helpers/browser.ts";

const [state, out] = process.argv.slice(2);
if (!state || !out) throw new Error("usage: screenshot-report-page.ts STATE.json OUT.png");
const study = readStudy(state);
const file = join(mkdtempSync(join(tmpdir(), "mt-shot-")), "report.html");
writeReportPage(file, study.config, study);

const browser = await launchBrowser();
const { page, problems } = await openPage(browser, file);
if (problems.length) throw new Error(`the page complained:\n${problems.join("\n")}`);
const box = (await page.locator("#parallel").boundingBox())!;
await page.screenshot({
  path: resolve(out),
  fullPage: true,
  clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height) + 16 },
});
await browser.close();
console.log(`wrote ${out}`);
