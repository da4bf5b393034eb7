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
  // Playwright starts Chromium without its sandbox unless told otherwise
  // (chromiumSandbox), so root in a container needs nothing more; the page is our own file.
  return chromium.launch({ executablePath: path });
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
        // Read from a copy made for reading: Chromium warns about repeated reads of a drawing canvas.
        const copy = canvas.ownerDocument.createElement("canvas");
        [copy.width, copy.height] = [canvas.width, canvas.height];
        const context = copy.getContext("2d", { willReadFrequently: true })!;
        context.drawImage(canvas, 0, 0);
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
          if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) pixels++;
        }
      }
      return { section: chart.closest("section")?.id ?? "?", pixels };
    }),
  );
}

/**
 * Where on the page a chart drew in `rgb` (the centre of those pixels) more
 * than `below` CSS pixels from its top (under the legend), to click it as a
 * user would; undefined if it drew nothing there in that color.
 */
export function pointInColor(
  page: Page,
  selector: string,
  rgb: readonly [number, number, number],
  below = 0,
): Promise<{ x: number; y: number } | undefined> {
  return page
    .locator(`${selector} canvas`)
    .first()
    .evaluate(
      (canvas, { rgb, below }) => {
        const c = canvas as unknown as HTMLCanvasElementLike;
        const box = c.getBoundingClientRect();
        const scale = box.width / c.width;
        const copy = c.ownerDocument.createElement("canvas");
        [copy.width, copy.height] = [c.width, c.height];
        const context = copy.getContext("2d", { willReadFrequently: true });
        context.drawImage(c, 0, 0);
        const { data } = context.getImageData(0, 0, c.width, c.height);
        let [sx, sy, n] = [0, 0, 0];
        for (let i = Math.ceil(below / scale) * c.width * 4; i < data.length; i += 4)
          if (Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) < 30) {
            sx += (i / 4) % c.width;
            sy += Math.floor(i / 4 / c.width);
            n++;
          }
        if (n === 0) return undefined;
        return { x: box.left + (sx / n) * scale, y: box.top + (sy / n) * scale };
      },
      { rgb, below },
    );
}

/** The little of a canvas element the pixel readers use (the tests are type-checked without the DOM's types). */
interface HTMLCanvasElementLike {
  width: number;
  height: number;
  ownerDocument: { createElement(tag: "canvas"): HTMLCanvasElementLike };
  getContext(
    kind: "2d",
    options: { willReadFrequently: boolean },
  ): {
    drawImage(source: HTMLCanvasElementLike, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
  getBoundingClientRect(): { left: number; top: number; width: number };
}
