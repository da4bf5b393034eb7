/**
 * The report page as one self-contained HTML file: the study as a JSON block
 * and the viewer's script (ECharts included) inline, so it opens from disk
 * or an artifact with no network. Its Content-Security-Policy allows that
 * one script (by hash) and nothing from anywhere: no other script runs, even
 * if a name in the study held markup, and nothing is fetched.
 */
import type { PageModel } from "../report/page-model.ts";

export interface ViewerScript {
  readonly text: string;
  /** base64 SHA-256 of `text`, for the policy. */
  readonly sha256: string;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
header, section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
h1 { font-size: 22px; margin: 4px 0 8px; } h2 { font-size: 17px; margin: 4px 0; }
.intro { color: #59636e; margin: 0 0 8px; }
.best pre { background: #f6f8fa; padding: 8px 12px; border-radius: 6px; display: inline-block; margin: 0; }
.chart { height: 360px; } .chart.short { height: 300px; } .chart.tall { height: 440px; } .chart.small { height: 240px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 8px; }
.controls { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.controls input { flex: 0 1 420px; padding: 4px 8px; font: inherit; }
.problem { color: #cf222e; }
.scroll { max-height: 640px; overflow: auto; border: 1px solid #d0d7de; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eaeef2; text-align: left; white-space: nowrap; }
td.num { text-align: right; }
table.trials th { position: sticky; top: 0; background: #f6f8fa; }
table.trials th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort="ascending"] button::after { content: " ▲"; } th[aria-sort="descending"] button::after { content: " ▼"; }
tr.best td { background: #fff8c5; }
`;

export function pageHtml(model: PageModel, viewer: ViewerScript): string {
  const policy = `default-src 'none'; script-src 'sha256-${viewer.sha256}'; style-src 'unsafe-inline'; img-src data:`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(model.study)} · matrix-tune</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    '<main id="app"><noscript>This page draws the study with JavaScript; the trials are in the study&#39;s state.json.</noscript></main>',
    `<script type="application/json" id="study-data">${jsonForScript(model)}</script>`,
    `<script>${viewer.text}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * JSON that cannot end its script element: `<` written as \u003c keeps
 * `</script>` and `<!--` out of it, and JSON.parse reads it back the same.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
