/**
 * The whole study as markdown: the local report file, the job summary and the
 * pull-request comment all come from here, so they never disagree.
 */

import type { Config } from "../config/schema.ts";
import type { Trial } from "../protocol/trial.ts";
import type { Study } from "../study/schema.ts";
import { bestSoFar } from "../study/study.ts";
import { mermaidConvergence, mermaidSeries } from "./chart.ts";
import { costSection } from "./cost.ts";
import { learningCurvesSection } from "./curves.ts";
import { fmtNumber } from "./format.ts";
import { constraintsNote, constraintsText, frontSection, frontView, isMultiObjective, metricCode } from "./front.ts";
import { hypervolumeSoFar, mermaidFront } from "./front-chart.ts";
import { importanceSection } from "./importance.ts";
import { mdTable } from "./md-table.ts";
import { rungsSection } from "./rungs.ts";
import { baselineLine, bestSnippet, countsLine, stopLine, warmStartLine } from "./summary.ts";
import { resultsTable } from "./table.ts";

/** GitHub rejects comments over 65,536 characters; leave room for the marker. */
export const COMMENT_LIMIT = 65_000;

export interface MarkdownOptions {
  /** Link for a trial's log (its job on GitHub). */
  linkFor?: (trial: Trial) => string | undefined;
  /** Lines under the title, such as the run that produced this report. */
  context?: string[];
  /** Keep the document under this many characters: fewer trial rows, then fewer sections (see OPTIONAL). */
  maxChars?: number;
  /** Where the full table is, when rows had to be left out (the job summary). */
  fullReportUrl?: string;
  /** A rendered comparison with the base branch, shown right after the summary. */
  comparison?: string;
}

/**
 * Sections that may be left out of a comment that would be too long, the
 * first to go first: the trial table's best rows say more than any of them,
 * and each of these is a view of the same trials.
 */
const OPTIONAL = ["curves", "importance", "frontChart", "convergence", "rungs"] as const;
type Optional = (typeof OPTIONAL)[number];

/** Rows the table keeps before sections start to be left out for it. */
const MIN_ROWS = 25;

export function markdownReport(config: Config, study: Study, opts: MarkdownOptions = {}): string {
  const optional = optionalSections(config, study);
  const render = (dropped: number, maxRows?: number) =>
    compose(config, study, opts, sectionsFrom(optional, dropped), maxRows);
  const full = render(0);
  if (opts.maxChars === undefined || full.length <= opts.maxChars) return full;
  const limit = opts.maxChars;
  const minRows = Math.min(MIN_ROWS, study.trials.length);
  // Shorten the table down to its first rows, then drop sections one by one while even those do not fit.
  for (let dropped = 0; dropped <= OPTIONAL.length; dropped++) {
    const last = dropped === OPTIONAL.length;
    const rows = mostRowsThatFit((n) => render(dropped, n).length <= limit, last ? 0 : minRows, study.trials.length);
    if (rows !== undefined) return render(dropped, rows);
  }
  return render(OPTIONAL.length, 0);
}

/** Binary search for the most rows in [lo, hi] that fit; undefined when not even lo does. */
function mostRowsThatFit(fits: (rows: number) => boolean, lo: number, hi: number): number | undefined {
  if (!fits(lo)) return undefined;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Every optional section the study has, computed once: the size search renders many times. */
function optionalSections(config: Config, study: Study): Partial<Record<Optional, string>> {
  const frontChart = isMultiObjective(config) ? mermaidFront(config, frontView(config, study)) : undefined;
  return {
    convergence: convergenceSection(config, study),
    frontChart:
      frontChart &&
      `${frontChart}\n\n${config.objective.length > 2 ? `_The chart shows the first two of the ${config.objective.length} objectives; the table above has them all._` : ""}`.trimEnd(),
    rungs: rungsSection(config, study),
    curves: learningCurvesSection(config, study),
    importance: importanceSection(config, study),
  };
}

/** The sections left after dropping the first `dropped` of OPTIONAL. */
function sectionsFrom(all: Partial<Record<Optional, string>>, dropped: number): Partial<Record<Optional, string>> {
  const kept = new Set(OPTIONAL.slice(dropped));
  return Object.fromEntries(Object.entries(all).filter(([k]) => kept.has(k as Optional)));
}

function compose(
  config: Config,
  study: Study,
  opts: MarkdownOptions,
  sections: Partial<Record<Optional, string>>,
  maxRows?: number,
): string {
  const snippet = bestSnippet(config, study);
  let table = resultsTable(config, study, { maxRows, linkFor: opts.linkFor });
  if (maxRows !== undefined && maxRows < study.trials.length && opts.fullReportUrl)
    table += ` The full table is in the [job summary](${opts.fullReportUrl}).`;
  const parts = [
    `## matrix-tune: ${study.name}`,
    [`${countsLine(study)} · strategy \`${study.strategy}\` · ${goalsText(config)}`, ...(opts.context ?? [])].join(
      "  \n",
    ),
    stopLine(study),
    warmStartLine(study),
    costSection(config, study),
    baselineLine(config, study),
    opts.comparison,
    snippet
      ? `### ${isMultiObjective(config) ? "Chosen" : "Best"} configuration\n\n\`\`\`yaml\n${snippet}\n\`\`\``
      : "_No trial has succeeded yet._",
    isMultiObjective(config) ? frontSection(config, study) : constraintsNote(config, frontView(config, study)),
    sections.frontChart,
    sections.convergence,
    sections.rungs,
    sections.curves,
    sections.importance,
    `### Trials\n\n${table}`,
  ];
  return `${parts.filter((p): p is string => p !== undefined).join("\n\n")}\n`;
}

/** "minimize `loss`", or every objective, and the constraints when there are some. */
function goalsText(config: Config): string {
  // One objective reads as it always has; the names of several go through metricCode, as everywhere in the front's sections.
  const goals = isMultiObjective(config)
    ? config.objective.map((o) => `${o.goal} ${metricCode(o.metric)}`)
    : [`${config.objective[0].goal} \`${config.objective[0].metric}\``];
  const text = isMultiObjective(config) ? `objectives: ${goals.join(", ")}` : goals[0]!;
  return config.constraints.length ? `${text} · subject to ${constraintsText(config.constraints)}` : text;
}

/**
 * Whether the study is getting better, as a chart and as numbers: the best
 * value so far, or with several objectives the front's hypervolume so far.
 */
function convergenceSection(config: Config, study: Study): string | undefined {
  const mo = isMultiObjective(config);
  const series = mo ? hypervolumeSoFar(config, study) : bestSoFar(config, study);
  const chart = mo
    ? mermaidSeries("Hypervolume of the feasible front so far", "hypervolume", series)
    : mermaidConvergence(config, study);
  if (!chart) return undefined;
  const column = mo ? "hypervolume" : `best ${config.objective[0].metric}`;
  return `### Convergence\n\n${chart}${mo ? `\n\n${HYPERVOLUME_NOTE}` : ""}\n\n${convergenceFallback(column, series)}`;
}

const HYPERVOLUME_NOTE =
  "Hypervolume: the share of a box that the feasible front dominates, the box spanning each objective from its best value over the feasible trials to its worst plus 10% of its range. It grows with every trial that extends the front.";

/** The same curve as numbers, for readers whose viewer does not draw mermaid. */
function convergenceFallback(column: string, series: readonly (number | undefined)[]): string {
  const points: string[][] = [];
  let last: number | undefined;
  series.forEach((v, i) => {
    if (v !== undefined && v !== last) points.push([String(i + 1), fmtNumber(v, 6)]);
    last = v;
  });
  return `<details><summary>Convergence as a table</summary>\n\n${mdTable([["after trial", column], ...points])}\n\n</details>`;
}
