/**
 * Writing the report page: the viewer's script is the bundle
 * scripts/build.mjs makes beside the CLI and the Action (dist/viewer.js).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Config } from "../config/schema.ts";
import { pageModel } from "../report/page-model.ts";
import type { Study } from "../study/schema.ts";
import { pageHtml, type ViewerScript } from "./html.ts";

const VIEWER_FILE = "viewer.js";

/** The page could not be written: its script is missing, or the file cannot be. */
export class PageError extends Error {}

/** The page's name in a study directory and in the Action's state artifact. */
export const PAGE_FILE = "report.html";

/**
 * Beside the running bundle (dist/cli.bundle.js, dist/action.bundle.js), or
 * the checkout's dist/ when running from src/.
 */
export function viewerScript(): ViewerScript {
  const candidates = [
    new URL(`./${VIEWER_FILE}`, import.meta.url),
    new URL(`../../dist/${VIEWER_FILE}`, import.meta.url),
  ];
  const found = candidates.map((u) => fileURLToPath(u)).find((f) => existsSync(f));
  if (!found)
    throw new PageError(
      `the report page's script (${VIEWER_FILE}) is not beside the bundle: looked for ${candidates.map((u) => fileURLToPath(u)).join(" and ")}; run  npm run build`,
    );
  const text = readFileSync(found, "utf8");
  return { text, sha256: createHash("sha256").update(text).digest("base64") };
}

/** The study's report page at `file`. */
export function writeReportPage(file: string, config: Config, study: Study): void {
  const html = pageHtml(pageModel(config, study), viewerScript());
  try {
    writeFileSync(file, html);
  } catch (err) {
    throw new PageError(`the report page cannot be written to ${file}: ${(err as Error).message}`);
  }
}

/**
 * The page as a by-product of a study's run (the CLI's `run`, the Action's
 * report): a page that cannot be written is a warning, never a lost study.
 */
export function writeReportPageOrWarn(
  file: string,
  config: Config,
  study: Study,
  warn: (message: string) => void,
): boolean {
  try {
    writeReportPage(file, config, study);
    return true;
  } catch (err) {
    if (!(err instanceof PageError)) throw err;
    warn(`the report page was not written: ${err.message}`);
    return false;
  }
}
