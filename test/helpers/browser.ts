/**
 * A real browser for the report page's tests: Debian's Chromium driven by
 * playwright-core. A page is opened from its file, as a user opens it, and
 * everything the page complains about (console errors and warnings, uncaught
 * exceptions, requests it tries to make, dialogs) is kept for the test.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export async function launchBrowser(): Promise<Browser> {
  const path = process.env.CHROMIUM_PATH || CANDIDATES.find((p) => existsSync(p));
  if (!path)
    throw new Error(
      `the report page's tests need Chromium: install Debian's chromium package (apt-get install chromium; .ci/run and scripts/system-deps.sh do), or set CHROMIUM_PATH (looked in ${CANDIDATES.join(", ")})`,
    );
  // Root in a container has no user namespace for Chromium's sandbox.
  return chromium.launch({ executablePath: path, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
}

export interface OpenedPage {
  page: Page;
  /** What the page reported or attempted that a clean page never does. */
  problems: string[];
}

export async function openPage(browser: Browser, file: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) problems.push(`request: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector("body[data-charts=drawn]", { timeout: 60_000 });
  return { page, problems };
}

/**
 * Per chart container, how many of its canvas pixels are in color. Axes,
 * grid lines and labels are grey; the data (points, lines, bars, cells) is
 * drawn in color, so an empty chart has next to none.
 */
export function coloredPixels(page: Page): Promise<{ section: string; pixels: number }[]> {
  return page.$$eval(".chart", (charts) =>
    charts.map((chart) => {
      let pixels = 0;
      for (const canvas of chart.querySelectorAll("canvas")) {
        const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
          if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) pixels++;
        }
      }
      return { section: chart.closest("section")?.id ?? "?", pixels };
    }),
  );
}
