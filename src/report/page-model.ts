/**
 * What the report page shows, worked out here so that the page's script only
 * draws: every trial as a row, the history, importance, the partial
 * dependence of the two most important parameters, learning curves and
 * rungs. The page embeds this as JSON; everything in it that came from a
 * config, a trial or its output is text to the page, never markup.
 */

import type { Config } from "../config/schema.ts";
import { partialDependence } from "../importance/partial-dependence.ts";
import { isFeasible, scoreTrial } from "../pareto/scores.ts";
import type { Trial, TrialStatus } from "../protocol/trial.ts";
import type { Parameter, Scalar } from "../space/parameter-schema.ts";
import { buildSpace, decodeOne, encode, type Space } from "../space/space.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { bestSoFar, searchTrials } from "../study/study.ts";
import { stoppedEarly, trialCurve } from "./curves.ts";
import { fmtScalar } from "./format.ts";
import { frontView, isMultiObjective } from "./front.ts";
import { hypervolumeSoFar } from "./front-chart.ts";
import { type ImportanceView, importanceBasis, importanceView } from "./importance.ts";
import { memberMetric, trialDuration } from "./members.ts";
import { rungLabel, rungSummaries } from "./rungs.ts";
import { countsLine, stopLine } from "./summary.ts";
import { trialNote } from "./table.ts";

export const PAGE_MODEL_VERSION = 1;

/** How a parameter is drawn: a numeric axis (log or linear) or one of named values. */
export type PageAxis =
  | { readonly name: string; readonly kind: "number"; readonly log: boolean }
  | { readonly name: string; readonly kind: "category"; readonly categories: readonly string[] };

export interface PageTrial {
  readonly id: number;
  readonly round: number;
  readonly status: TrialStatus;
  /** Numbers for numeric parameters, the value's text for categorical ones (as the axes take them). */
  readonly params: Readonly<Record<string, number | string>>;
  /** One per objective, in the config's order; null without a result. */
  readonly values: readonly (number | null)[];
  /** The recorded metrics and constrained metrics that are not objectives. */
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly resource: number | null;
  readonly rung: string;
  readonly reference: boolean;
  /** Within every constraint (and has a result). */
  readonly feasible: boolean;
  /** On the feasible Pareto front (several objectives). */
  readonly front: boolean;
  readonly best: boolean;
  readonly seconds: number | null;
  readonly note: string;
}

export interface PageImportance {
  /** The trials the model was fitted to ("the 24 finished trials"). */
  readonly basis: string;
  readonly objectives: readonly {
    readonly metric: string;
    readonly parameters: readonly {
      readonly name: string;
      readonly first: number;
      readonly total: number;
      readonly firstSpread: number;
      readonly totalSpread: number;
    }[];
  }[];
}

/** The first objective's partial dependence on the two most important parameters, a cell per pair of grid values. */
export interface PageContour {
  readonly metric: string;
  readonly x: PageAxis;
  readonly y: PageAxis;
  readonly xs: readonly (number | string)[];
  readonly ys: readonly (number | string)[];
  /** z[row][column]: a row per y value. */
  readonly z: readonly (readonly number[])[];
  /** The trials the model was fitted to, drawn over it. */
  readonly trials: readonly number[];
  readonly basis: string;
}

export interface PageCurve {
  readonly trial: number;
  readonly stopped: boolean;
  readonly points: readonly (readonly [number, number])[];
}

export interface PageRung {
  readonly bracket: number;
  readonly rung: number;
  readonly resource: number;
  readonly planned: number;
  readonly ran: number;
  readonly promoted: readonly number[];
  readonly best: number | null;
  readonly bestValue: number | null;
}

export interface PageModel {
  readonly version: typeof PAGE_MODEL_VERSION;
  readonly study: string;
  readonly strategy: string;
  readonly lines: readonly string[];
  readonly objectives: readonly { readonly metric: string; readonly goal: "minimize" | "maximize" }[];
  readonly parameters: readonly PageAxis[];
  readonly metrics: readonly string[];
  readonly resource: string | null;
  readonly trials: readonly PageTrial[];
  /** After each search trial in order: the best value so far, or with several objectives the front's hypervolume share. */
  readonly history: {
    readonly kind: "best" | "hypervolume";
    readonly points: readonly (readonly [number, number | null])[];
  };
  readonly importance: PageImportance | null;
  readonly contour: PageContour | null;
  readonly curves: { readonly metric: string; readonly lines: readonly PageCurve[] } | null;
  readonly rungs: readonly PageRung[];
}

/** Grid values along a numeric parameter of the contour; an int with fewer values gets a cell each. */
const GRID = 24;

export function pageModel(config: Config, study: Study): PageModel {
  const space = buildSpace(config.parameters);
  const shown = space.dims.filter((d) => d.param.type !== "constant");
  const objectiveMetrics = new Set(config.objective.map((o) => o.metric));
  const metrics = [...new Set([...config.metrics.record, ...config.constraints.map((c) => c.metric)])].filter(
    (m) => !objectiveMetrics.has(m),
  );
  const best = bestTrial(config, study);
  const importance = importanceView(config, study);
  const front = new Set(isMultiObjective(config) ? frontView(config, study).front.map((s) => s.trial.id) : []);
  const trials = study.trials.map((t): PageTrial => {
    const scored = scoreTrial(config, t);
    const seconds = trialDuration(t);
    return {
      id: t.id,
      round: t.round,
      status: t.status,
      params: Object.fromEntries(
        shown.flatMap((d) => (d.name in t.params ? [[d.name, axisValue(d.param, t.params[d.name]!)]] : [])),
      ),
      values: config.objective.map((_, k) => scored?.values[k] ?? null),
      metrics: Object.fromEntries(metrics.map((m) => [m, memberMetric(t, m) ?? null])),
      resource: t.resource ?? null,
      rung: rungLabel(t),
      reference: t.ref !== undefined,
      feasible: scored !== undefined && isFeasible(scored),
      front: front.has(t.id),
      best: t === best,
      seconds: seconds === undefined ? null : seconds / 1000,
      note: trialNote(config, study, t),
    };
  });
  return {
    version: PAGE_MODEL_VERSION,
    study: study.name,
    strategy: study.strategy,
    lines: [countsLine(study), stopLine(study)],
    objectives: config.objective.map((o) => ({ metric: o.metric, goal: o.goal })),
    parameters: shown.map((d) => axisOf(d.name, d.param)),
    metrics,
    resource: config.resource?.name ?? null,
    trials,
    history: historyOf(config, study),
    importance: importance ? pageImportance(importance) : null,
    contour: importance ? contourOf(config, study, space, importance) : null,
    curves: curvesOf(config, study),
    rungs: rungsOf(config, study),
  };
}

function axisOf(name: string, p: Parameter): PageAxis {
  if (p.type === "categorical") return { name, kind: "category", categories: p.values.map((v) => fmtScalar(v)) };
  return { name, kind: "number", log: p.type !== "constant" && p.scale === "log" };
}

function axisValue(p: Parameter, v: Scalar): number | string {
  return p.type === "categorical" || typeof v !== "number" ? fmtScalar(v) : v;
}

function historyOf(config: Config, study: Study): PageModel["history"] {
  const ids = searchTrials(study).map((t) => t.id);
  const several = isMultiObjective(config);
  const series = several ? hypervolumeSoFar(config, study) : bestSoFar(config, study);
  return { kind: several ? "hypervolume" : "best", points: ids.map((id, i) => [id, series[i] ?? null]) };
}

function pageImportance(view: ImportanceView): PageImportance {
  return {
    basis: importanceBasis(view),
    objectives: view.objectives.map((o) => ({ metric: o.metric, parameters: o.importance.parameters })),
  };
}

/**
 * The first objective's partial dependence on its two most important
 * parameters, of the model importance fitted (to the same trials, at the
 * same resource level for hyperband).
 */
function contourOf(config: Config, study: Study, space: Space, view: ImportanceView): PageContour | null {
  const { parameters: ranked, model } = view.objectives[0]!.importance;
  if (ranked.length < 2) return null;
  const [x, y] = [ranked[0]!.name, ranked[1]!.name].map((name) => space.dims.findIndex((d) => d.name === name)) as [
    number,
    number,
  ];
  const gx = gridOf(space, x);
  const gy = gridOf(space, y);
  const z = partialDependence(
    model,
    space.dims.length,
    [x, y],
    gx.map((g) => g.u),
    gy.map((g) => g.u),
    study.seed,
  );
  const dim = (i: number) => space.dims[i]!;
  return {
    metric: config.objective[0].metric,
    x: axisOf(dim(x).name, dim(x).param),
    y: axisOf(dim(y).name, dim(y).param),
    xs: gx.map((g) => g.value),
    ys: gy.map((g) => g.value),
    z,
    trials: view.ids,
    basis: importanceBasis(view),
  };
}

/** Where along a dimension the contour's cells sit: each category, each distinct int value, or GRID steps. */
function gridOf(space: Space, i: number): { u: number; value: number | string }[] {
  const { name, param } = space.dims[i]!;
  const cells = Array.from({ length: GRID }, (_, k) => decodeOne(param, (k + 0.5) / GRID));
  const distinct = [...new Set(cells)];
  // The cube coordinate of each value, so a category or an int sits at the centre of its share.
  return distinct.map((v) => ({
    u: encode({ dims: [space.dims[i]!] }, { [name]: v })[0]!,
    value: axisValue(param, v),
  }));
}

function curvesOf(config: Config, study: Study): PageModel["curves"] {
  const metric = config.objective[0].metric;
  const stopped = stoppedEarly(config, study);
  const lines = searchTrials(study).flatMap((t: Trial) => {
    const points = trialCurve(study, t, metric);
    return points.length >= 2
      ? [{ trial: t.id, stopped: stopped(t), points: points.map((p) => [p.step, p.value] as const) }]
      : [];
  });
  return lines.length ? { metric, lines } : null;
}

function rungsOf(config: Config, study: Study): PageRung[] {
  return rungSummaries(config, study).map((r) => ({
    bracket: r.bracket,
    rung: r.rung,
    resource: r.resource,
    planned: r.planned,
    ran: r.trials.length,
    promoted: r.promoted,
    best: r.best?.id ?? null,
    bestValue: r.best ? (scoreTrial(config, r.best)?.values[0] ?? null) : null,
  }));
}
