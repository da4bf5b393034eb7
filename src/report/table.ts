/**
 * The results table: best first, then the rest by objective, then trials that
 * have no value (failed, pruned, not run yet), each with its reason.
 */
import { markdownTable } from "markdown-table";
import type { Config } from "../config/schema.ts";
import type { Study, Trial } from "../study/schema.ts";
import { bestTrial, isBetter, trialValue } from "../study/study.ts";
import { fmtDuration, fmtNumber, fmtScalar } from "./format.ts";

export interface TableOptions {
  /** At most this many rows; the note under the table says how many were left out. */
  maxRows?: number;
  /** Link for a trial's log, when there is one (a job URL in the Action). */
  linkFor?: (trial: Trial) => string | undefined;
  /** Pad columns so the plain text reads as a table in a terminal. */
  aligned?: boolean;
}

export function rankedTrials(study: Study, goal: Config["objective"]["goal"]): Trial[] {
  return [...study.trials].sort((a, b) => {
    const va = trialValue(a);
    const vb = trialValue(b);
    if (va !== undefined && vb !== undefined) return va === vb ? a.id - b.id : isBetter(goal, va, vb) ? -1 : 1;
    if (va !== undefined) return -1;
    if (vb !== undefined) return 1;
    return a.id - b.id;
  });
}

export function resultsTable(config: Config, study: Study, opts: TableOptions = {}): string {
  const { metric, goal } = config.objective;
  const paramNames = Object.keys(config.parameters).filter((n) => config.parameters[n]!.type !== "constant");
  const metricNames = config.metrics.record;
  const best = bestTrial(study, goal);
  const ranked = rankedTrials(study, goal);
  const shown = opts.maxRows !== undefined ? ranked.slice(0, opts.maxRows) : ranked;
  const header = ["#", "trial", "status", metric, ...metricNames, ...paramNames, "time", "note"];
  const rows = shown.map((t, i) => {
    const last = t.attempts[t.attempts.length - 1];
    const value = trialValue(t);
    const link = opts.linkFor?.(t);
    const note =
      last && last.status !== "succeeded" ? last.reason : t.attempts.length > 1 ? `attempt ${t.attempts.length}` : "";
    return [
      value !== undefined ? String(i + 1) : "",
      link ? `[${t.id}](${link})` : String(t.id),
      t === best ? `${t.status} ★` : t.status,
      value !== undefined ? fmtNumber(value) : "–",
      ...metricNames.map((m) => (last?.metrics[m] !== undefined ? fmtNumber(last.metrics[m]!) : "–")),
      ...paramNames.map((p) => fmtScalar(t.params[p])),
      last ? fmtDuration(last.durationMs) : "",
      escapeCell(truncate(note, 80)),
    ];
  });
  const table = markdownTable([header, ...rows], {
    align: header.map((_, i) => (i === 0 || (i >= 3 && i < 4 + metricNames.length) ? "r" : "l")),
    alignDelimiters: opts.aligned ?? false,
  });
  const omitted = ranked.length - shown.length;
  return omitted > 0 ? `${table}\n\n_${omitted} more trials not shown._` : table;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
