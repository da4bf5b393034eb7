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

export const VIEWER_FILE = "viewer.js";
/** The page's name in a study directory and in the Action's state artifact. */
export const PAGE_FILE = "report.html";

/**
 * Beside the running bundle (dist/cli.bundle.js, dist/action.bundle.js), or
 * the checkout's dist/ when running from src/.
 */
function viewerScript(): ViewerScript {
  const candidates = [
    new URL(`./${VIEWER_FILE}`, import.meta.url),
    new URL(`../../dist/${VIEWER_FILE}`, import.meta.url),
  ];
  const found = candidates.map((u) => fileURLToPath(u)).find((f) => existsSync(f));
  if (!found)
    throw new Error(
      `the report page's script (${VIEWER_FILE}) is not beside the bundle: looked for ${candidates.map((u) => fileURLToPath(u)).join(" and ")}; run  npm run build`,
    );
  const text = readFileSync(found, "utf8");
  return { text, sha256: createHash("sha256").update(text).digest("base64") };
}

/** The study's report page at `file`. */
export function writeReportPage(file: string, config: Config, study: Study): void {
  writeFileSync(file, pageHtml(pageModel(config, study), viewerScript()));
}
