/**
 * Learning curves: the objective at each step a trial reported, for a few
 * trials, as one mermaid `xychart-beta` with a line per trial. The best trials
 * show where good configurations went; a few stopped early (pruned, or left
 * behind at a hyperband rung) show what the study saved by stopping them.
 */

import type { Config } from "../config/schema.ts";
import type { Trial } from "../protocol/trial.ts";
import { placementOf } from "../strategy/hyperband/placement.ts";
import type { Study } from "../study/schema.ts";
import { mean } from "../util/mean.ts";
import { mermaidNumber, yAxis } from "./chart.ts";
import { fmtNumber } from "./format.ts";
import { mdTable } from "./md-table.ts";
import { latestRecords, pruneHeadline } from "./members.ts";
import { rankedTrials } from "./table.ts";

export interface CurvePoint {
  step: number;
  value: number;
}

/** Lines in one chart: each is a colour, and mermaid draws no legend to tell them apart. */
const MAX_BEST = 4;
const MAX_STOPPED = 3;
/** Steps along the x axis; longer curves are sampled. */
const MAX_STEPS = 40;

/**
 * The objective at each step of the trial's latest attempt, averaged over its
 * members that did not fail. A promoted hyperband trial resumes its parent's
 * checkpoint and reports only the later steps, so its curve starts with the
 * parent's earlier ones.
 */
export function trialCurve(study: Study, trial: Trial, metric: string): CurvePoint[] {
  const byStep = new Map<number, number[]>();
  for (const a of latestRecords(trial)) {
    if (a.status === "failed") continue;
    for (const p of a.intermediate) {
      const v = p.values[metric];
      if (v !== undefined) byStep.set(p.step, [...(byStep.get(p.step) ?? []), v]);
    }
  }
  const own = [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, vs]) => ({ step, value: mean(vs) }));
  const parent = trial.parent === undefined ? undefined : study.trials[trial.parent];
  if (!parent || own.length === 0) return own;
  const start = own[0]!.step;
  return [...trialCurve(study, parent, metric).filter((p) => p.step < start), ...own];
}

export interface ShownCurve {
  trial: Trial;
  points: CurvePoint[];
  stopped: boolean;
}

/**
 * Which trials stopped before the full run: pruned ones, and hyperband trials
 * below the top resource that their rung did not promote, once it has promoted
 * (or the study is over): until then they may still go on.
 */
export function stoppedEarly(config: Config, study: Study): (trial: Trial) => boolean {
  const rungOf = (t: Trial) => {
    const place = placementOf(t);
    return `${place?.bracket}/${place?.rung}`;
  };
  const decided = new Set(
    study.trials.flatMap((t) => (t.parent === undefined ? [] : [rungOf(study.trials[t.parent]!)])),
  );
  const parents = new Set(study.trials.map((t) => t.parent));
  const max = config.resource?.max;
  return (trial) => {
    if (trial.status === "pruned") return true;
    if (trial.status !== "succeeded" || !placementOf(trial) || max === undefined) return false;
    return (trial.resource ?? max) < max && !parents.has(trial.id) && (!!study.stop || decided.has(rungOf(trial)));
  };
}

/**
 * The trials to draw: the best few, leaving out the trials a shown one
 * continues (their curve is already its beginning), then the stopped ones that
 * ran longest. Every curve starts at the study's first step: mermaid cannot
 * start a line part-way along the axis.
 */
export function curvesToShow(config: Config, study: Study): ShownCurve[] {
  const metric = config.objective[0].metric;
  const curves = new Map(study.trials.map((t) => [t.id, trialCurve(study, t, metric)]));
  const usable = study.trials.filter((t) => curves.get(t.id)!.length >= 2);
  if (usable.length === 0) return [];
  const firstStep = Math.min(...usable.map((t) => curves.get(t.id)![0]!.step));
  const drawable = usable.filter((t) => curves.get(t.id)![0]!.step === firstStep);
  const isStopped = stoppedEarly(config, study);
  const covered = new Set<number>();
  const shown: ShownCurve[] = [];
  const show = (trial: Trial, stopped: boolean) => {
    shown.push({ trial, points: curves.get(trial.id)!, stopped });
    for (let p = trial.parent; p !== undefined; p = study.trials[p]!.parent) covered.add(p);
  };
  for (const t of rankedTrials({ ...study, trials: drawable }, config.objective[0].goal)) {
    if (shown.length === MAX_BEST || t.status !== "succeeded") break;
    if (!covered.has(t.id) && !isStopped(t)) show(t, false);
  }
  const early = drawable
    .filter((t) => !covered.has(t.id) && isStopped(t))
    .sort((a, b) => curves.get(b.id)!.length - curves.get(a.id)!.length || a.id - b.id);
  for (const t of early.slice(0, MAX_STOPPED)) show(t, true);
  return shown;
}

/** The curves as a chart, a line naming them in order, and the numbers for viewers without mermaid. */
export function learningCurvesSection(config: Config, study: Study): string | undefined {
  const shown = curvesToShow(config, study);
  const steps = everyNth(
    [...new Set(shown.flatMap((c) => c.points.map((p) => p.step)))].sort((a, b) => a - b),
    MAX_STEPS,
  );
  if (shown.length === 0 || steps.length < 2) return undefined;
  const metric = config.objective[0].metric;
  const series = shown.map((c) => valuesAt(c.points, steps));
  const chart = [
    "```mermaid",
    "xychart-beta",
    `  title "${metric} by step"`,
    `  x-axis "step" [${steps.join(", ")}]`,
    yAxis(
      metric,
      series.flat().filter((v): v is number => v !== undefined),
    ),
    // A line shorter than the axis ends at its last value: that is where the trial stopped.
    ...shown.map(
      (c, i) =>
        `  line "trial ${c.trial.id}" [${defined(series[i]!)
          .map((v) => mermaidNumber(v))
          .join(", ")}]`,
    ),
    "```",
  ].join("\n");
  const table = mdTable(
    [
      ["step", ...shown.map((c) => `trial ${c.trial.id}`)],
      ...steps.map((step, j) => [String(step), ...series.map((s) => (s[j] === undefined ? "" : fmtNumber(s[j]!)))]),
    ],
    { align: "r", alignDelimiters: false },
  );
  return [
    "### Learning curves",
    chart,
    legend(config, shown),
    `<details><summary>Learning curves as a table</summary>\n\n${table}\n\n</details>`,
  ].join("\n\n");
}

/** The curve's value at each step of the axis: its latest report at or before it, nothing past its end. */
function valuesAt(points: readonly CurvePoint[], steps: readonly number[]): (number | undefined)[] {
  const last = points[points.length - 1]!.step;
  return steps.map((step) => {
    if (step > last) return undefined;
    let v: number | undefined;
    for (const p of points) if (p.step <= step) v = p.value;
    return v;
  });
}

/**
 * At most about `max` items at a regular stride, and the last: the x axis is a
 * row of labels, and a regular one reads as a scale.
 */
function everyNth<T>(items: readonly T[], max: number): T[] {
  const stride = Math.ceil(items.length / max);
  return items.filter((_, i) => i % stride === 0 || i === items.length - 1);
}

function defined(values: readonly (number | undefined)[]): number[] {
  const end = values.indexOf(undefined);
  return (end < 0 ? values : values.slice(0, end)) as number[];
}

function legend(config: Config, shown: readonly ShownCurve[]): string {
  const best = shown.filter((c) => !c.stopped).map((c) => String(c.trial.id));
  const stopped = shown.filter((c) => c.stopped).map((c) => `${c.trial.id} (${stopNote(config, c.trial)})`);
  const parts = [];
  if (best.length) parts.push(`the best trials ${best.join(", ")}`);
  if (stopped.length) parts.push(`stopped early: ${stopped.join(", ")}`);
  return `Lines in order: ${parts.join("; ")}.`;
}

function stopNote(config: Config, trial: Trial): string {
  const pruned = latestRecords(trial).find((a) => a.status === "pruned");
  if (pruned) return pruneHeadline(pruned);
  return `not promoted past ${config.resource?.name ?? "resource"} ${fmtNumber(trial.resource!)}`;
}
