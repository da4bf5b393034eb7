/**
 * The whole study as markdown: the local report file, the job summary and the
 * pull-request comment all come from here, so they never disagree.
 */
import { markdownTable } from "markdown-table";
import type { Config } from "../config/schema.ts";
import type { Study, Trial } from "../study/schema.ts";
import { bestSoFar } from "../study/study.ts";
import { mermaidConvergence } from "./chart.ts";
import { parameterEffects } from "./effects.ts";
import { fmtNumber } from "./format.ts";
import { baselineLine, bestSnippet, countsLine, stopLine } from "./summary.ts";
import { resultsTable } from "./table.ts";

/** GitHub rejects comments over 65,536 characters; leave room for the marker. */
export const COMMENT_LIMIT = 65_000;

export interface MarkdownOptions {
  /** Link for a trial's log (its job on GitHub). */
  linkFor?: (trial: Trial) => string | undefined;
  /** Lines under the title, such as the run that produced this report. */
  context?: string[];
  /** Keep the document under this many characters by showing fewer trial rows. */
  maxChars?: number;
  /** Where the full table is, when rows had to be left out (the job summary). */
  fullReportUrl?: string;
  /** A rendered comparison with the base branch, shown right after the summary. */
  comparison?: string;
}

export function markdownReport(config: Config, study: Study, opts: MarkdownOptions = {}): string {
  const render = (maxRows?: number) => compose(config, study, opts, maxRows);
  const full = render();
  if (opts.maxChars === undefined || full.length <= opts.maxChars) return full;
  // Binary search for the most rows that fit: the rest of the document is small and fixed.
  let lo = 0;
  let hi = study.trials.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(mid).length <= opts.maxChars) lo = mid;
    else hi = mid - 1;
  }
  return render(lo);
}

function compose(config: Config, study: Study, opts: MarkdownOptions, maxRows?: number): string {
  const goal = config.objective.goal;
  const parts = [
    `## matrix-tune: ${study.name}`,
    [
      `${countsLine(study)} · strategy \`${study.strategy}\` · ${goal} \`${config.objective.metric}\``,
      ...(opts.context ?? []),
    ].join("  \n"),
    stopLine(study),
    baselineLine(config, study),
    opts.comparison,
  ].filter((p): p is string => p !== undefined);
  const snippet = bestSnippet(config, study);
  parts.push(snippet ? `### Best configuration\n\n\`\`\`yaml\n${snippet}\n\`\`\`` : "_No trial has succeeded yet._");
  const chart = mermaidConvergence(config, study);
  if (chart) parts.push(`### Convergence\n\n${chart}\n\n${convergenceFallback(config, study)}`);
  const effects = parameterEffects(config, study);
  if (effects.length)
    parts.push(
      `### Parameter effects\n\n${markdownTable([["parameter", `effect on ${config.objective.metric}`], ...effects.map((e) => [e.name, e.text])])}`,
    );
  let table = resultsTable(config, study, { maxRows, linkFor: opts.linkFor });
  if (maxRows !== undefined && maxRows < study.trials.length && opts.fullReportUrl)
    table += ` The full table is in the [job summary](${opts.fullReportUrl}).`;
  parts.push(`### Trials\n\n${table}`);
  return `${parts.join("\n\n")}\n`;
}

/** The same curve as numbers, for readers whose viewer does not draw mermaid. */
function convergenceFallback(config: Config, study: Study): string {
  const series = bestSoFar(study, config.objective.goal);
  const points: string[][] = [];
  let last: number | undefined;
  series.forEach((v, i) => {
    if (v !== undefined && v !== last) points.push([String(i + 1), fmtNumber(v, 6)]);
    last = v;
  });
  return `<details><summary>Convergence as a table</summary>\n\n${markdownTable([["after trial", `best ${config.objective.metric}`], ...points])}\n\n</details>`;
}
