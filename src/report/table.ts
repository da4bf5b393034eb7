/**
 * The results table: best first, then the rest by objective, then trials that
 * have no value (failed, pruned, not run yet), each with its reason.
 */

import type { Config } from "../config/schema.ts";
import { isFeasible } from "../pareto/scores.ts";
import { isBetter } from "../protocol/objective.ts";
import type { Trial } from "../protocol/trial.ts";
import { latestAttempt, trialValue } from "../protocol/trial-value.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { fmtDuration, fmtNumber, fmtScalar } from "./format.ts";
import { frontView, isMultiObjective, objectiveTitle } from "./front.ts";
import { mdTable, plainText } from "./md-table.ts";
import { fmtTrialValue, memberMetric, membersNote, trialDuration } from "./members.ts";
import { rungLabel } from "./rungs.ts";

export interface TableOptions {
  /** At most this many rows; the note under the table says how many were left out. */
  maxRows?: number;
  /** Link for a trial's log, when there is one (a job URL in the Action). */
  linkFor?: (trial: Trial) => string | undefined;
  /** Pad columns so the plain text reads as a table in a terminal. */
  aligned?: boolean;
}

/** Search trials best first; a reference run (on another commit) after them, unranked. */
export function rankedTrials(study: Study, goal: Config["objective"][0]["goal"]): Trial[] {
  return [...study.trials].sort((a, b) => {
    if ((a.ref === undefined) !== (b.ref === undefined)) return a.ref === undefined ? -1 : 1;
    const va = trialValue(a);
    const vb = trialValue(b);
    if (va !== undefined && vb !== undefined) return va === vb ? a.id - b.id : isBetter(goal, va, vb) ? -1 : 1;
    if (va !== undefined) return -1;
    if (vb !== undefined) return 1;
    return a.id - b.id;
  });
}

interface Column {
  title: string;
  align: "l" | "r";
  cell(trial: Trial, rank: number): string;
}

/**
 * With several objectives there is no one order by value: the front first (as
 * its own table orders it), then the other feasible trials by the first
 * objective, then those outside a constraint, the least violating first.
 */
function rankedByFront(config: Config, study: Study): Trial[] {
  const view = frontView(config, study);
  const onFront = new Set(view.front);
  const rest = view.scored
    .filter((s) => isFeasible(s) && !onFront.has(s))
    .sort((a, b) => a.loss[0]! - b.loss[0]! || a.trial.id - b.trial.id);
  const ranked = [...view.front, ...rest, ...view.infeasible].map((s) => s.trial);
  const seen = new Set(ranked);
  return [...ranked, ...rankedTrials(study, config.objective[0].goal).filter((t) => !seen.has(t))];
}

export function resultsTable(config: Config, study: Study, opts: TableOptions = {}): string {
  const ranked = isMultiObjective(config)
    ? rankedByFront(config, study)
    : rankedTrials(study, config.objective[0].goal);
  const shown = opts.maxRows !== undefined ? ranked.slice(0, opts.maxRows) : ranked;
  const columns = tableColumns(config, study, opts);
  const table = mdTable([columns.map((c) => c.title), ...shown.map((t, i) => columns.map((c) => c.cell(t, i)))], {
    align: columns.map((c) => c.align),
    alignDelimiters: opts.aligned ?? false,
  });
  const omitted = ranked.length - shown.length;
  return omitted > 0 ? `${table}\n\n_${omitted} more trials not shown._` : table;
}

/**
 * The table's columns. The resource and rung columns appear only when trials
 * differ in them (hyperband): a column that repeats the config's max on every
 * row would only widen a table that must fit a comment.
 */
function tableColumns(config: Config, study: Study, opts: TableOptions): Column[] {
  const { metric } = config.objective[0];
  const best = bestTrial(config, study);
  const paramNames = Object.keys(config.parameters).filter((n) => config.parameters[n]!.type !== "constant");
  const resources = new Set(study.trials.map((t) => t.resource));
  const marks = trialMarks(config, study);
  // Every objective gets a column; a constrained metric that is not recorded otherwise gets one too.
  const otherColumns = [
    ...config.objective.slice(1).map((o) => ({ metric: o.metric, title: objectiveTitle(o) })),
    ...config.constraints.map((c) => ({ metric: c.metric, title: plainText(c.metric) })),
  ].filter(
    (c, i, all) =>
      c.metric !== metric &&
      all.findIndex((d) => d.metric === c.metric) === i &&
      !config.metrics.record.includes(c.metric),
  );
  const columns: (Column | false)[] = [
    {
      title: "#",
      align: "r",
      cell: (t, i) => (trialValue(t) !== undefined && t.ref === undefined ? String(i + 1) : ""),
    },
    {
      title: "trial",
      align: "l",
      cell: (t) => {
        const link = opts.linkFor?.(t);
        return link ? `[${t.id}](${link})` : String(t.id);
      },
    },
    { title: "status", align: "l", cell: (t) => statusCell(t, best, marks) },
    {
      title: isMultiObjective(config) ? objectiveTitle(config.objective[0]) : metric,
      align: "r",
      cell: (t) => fmtTrialValue(config, t),
    },
    ...[...otherColumns, ...config.metrics.record.map((m) => ({ metric: m, title: m }))].map(
      (c): Column => ({ title: c.title, align: "r", cell: (t) => fmtOptional(memberMetric(t, c.metric)) }),
    ),
    !!config.resource &&
      resources.size > 1 && { title: config.resource.name, align: "r", cell: (t) => fmtOptional(t.resource) },
    study.trials.some((t) => rungLabel(t) !== "") && { title: "rung", align: "l", cell: rungLabel },
    ...paramNames.map((p): Column => ({ title: p, align: "l", cell: (t) => fmtScalar(t.params[p]) })),
    { title: "time", align: "l", cell: (t) => fmtOptional(trialDuration(t), fmtDuration, "") },
    { title: "note", align: "l", cell: (t) => plainText(truncate(trialNote(config, study, t), 80)) },
  ];
  return columns.filter((c): c is Column => c !== false);
}

/** Which trials are on the front (several objectives) and which missed a constraint. */
function trialMarks(config: Config, study: Study): Map<Trial, "front" | "infeasible"> {
  const marks = new Map<Trial, "front" | "infeasible">();
  if (!isMultiObjective(config) && config.constraints.length === 0) return marks;
  const view = frontView(config, study);
  if (isMultiObjective(config)) for (const s of view.front) marks.set(s.trial, "front");
  for (const s of view.infeasible) marks.set(s.trial, "infeasible");
  return marks;
}

function statusCell(trial: Trial, best: Trial | undefined, marks: Map<Trial, "front" | "infeasible">): string {
  if (trial === best) return `${trial.status} ★`;
  const mark = marks.get(trial);
  return mark ? `${trial.status} (${mark})` : trial.status;
}

/** Where the trial came from (a promotion, the base branch, a warm start's re-run), which attempt this is, and why runs of it did not succeed. */
export function trialNote(config: Config, study: Study, trial: Trial): string {
  const attempt = latestAttempt(trial);
  const runs = membersNote(config, trial, config.objective[0].metric);
  const attemptText = attempt > 1 ? `attempt ${attempt}${runs ? `: ${runs}` : ""}` : runs;
  const origin =
    trial.ref !== undefined
      ? `reference: the defaults on the base branch (${trial.ref.slice(0, 7)}), not part of the search`
      : trial.parent !== undefined
        ? `from trial ${trial.parent}`
        : study.warmStart?.reran.includes(trial.id)
          ? "warm start: re-runs a best configuration of the study it started from"
          : "";
  return [origin, attemptText].filter(Boolean).join("; ");
}

function fmtOptional(x: number | undefined, fmt: (x: number) => string = fmtNumber, none = "–"): string {
  return x === undefined ? none : fmt(x);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
