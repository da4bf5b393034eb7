/**
 * The result of a multi-objective study as a reader sees it: the feasible
 * Pareto front, the chosen trial first and the rest in order of the first
 * objective, and what the constraints ruled out.
 */

import type { Config } from "../config/schema.ts";
import { paretoFront } from "../pareto/front.ts";
import { isFeasible, type Scored, scoreTrials } from "../pareto/scores.ts";
import { type Constraint, constraintText, type Objective } from "../protocol/objective.ts";
import { chooseBest, type Ranking } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { searchTrials } from "../study/study.ts";
import { code } from "./comparison.ts";
import { fmtNumber, fmtScalar } from "./format.ts";
import { mdTable, plainText } from "./md-table.ts";

export interface FrontView {
  /** Every search trial with a value for each objective, in trial order. */
  readonly scored: readonly Scored[];
  /** The feasible Pareto front: the chosen trial, then the rest by the first objective (best first), ties by trial id. */
  readonly front: readonly Scored[];
  readonly chosen: Scored | undefined;
  /** Scored trials outside a constraint, the least violating first. */
  readonly infeasible: readonly Scored[];
}

/** Whether a study's reports show a front rather than a single best value. */
export function isMultiObjective(config: Pick<Ranking, "objective">): boolean {
  return config.objective.length > 1;
}

export function frontView(config: Ranking, study: Study): FrontView {
  const scored = scoreTrials(config, searchTrials(study));
  const chosen = chooseBest(config, scored);
  const byFirst = (a: Scored, b: Scored) => a.loss[0]! - b.loss[0]! || a.trial.id - b.trial.id;
  const rest = paretoFront(scored)
    .filter((s) => s !== chosen)
    .sort(byFirst);
  const infeasible = scored
    .filter((s) => !isFeasible(s))
    .sort((a, b) => a.violation - b.violation || a.trial.id - b.trial.id);
  return { scored, front: chosen ? [chosen, ...rest] : rest, chosen, infeasible };
}

/** "latency_ms ↓": the metric and which way is better, for a column header. */
export function objectiveTitle(o: Objective): string {
  return `${plainText(o.metric)} ${o.goal === "minimize" ? "↓" : "↑"}`;
}

/** A metric's name inside running text, where it must read as written. */
export function metricCode(name: string): string {
  return `\`${code(name)}\``;
}

/** "`latency_ms ≤ 20` and `recall ≥ 0.5`". */
export function constraintsText(constraints: readonly Constraint[]): string {
  return constraints.map((c) => metricCode(constraintText(c))).join(" and ");
}

/** How the chosen trial was picked, in words. */
export function chosenRule(config: Ranking): string {
  const { select } = config;
  if (!select) return "the one nearest the ideal point (each objective scaled to [0, 1] over the front)";
  const goal = config.objective.find((o) => o.metric === select.metric)!.goal;
  const limits = select.subject_to.length ? ` among those with ${constraintsText(select.subject_to)}` : "";
  return `the one with the ${goal === "minimize" ? "lowest" : "highest"} ${metricCode(select.metric)}${limits} (\`select\`)`;
}

/**
 * What the constraints ruled out: how many trials missed one, and when none
 * met them all, how close the nearest came. Undefined without constraints.
 */
export function constraintsNote(config: Ranking, view: FrontView): string | undefined {
  if (config.constraints.length === 0) return undefined;
  const limits = constraintsText(config.constraints);
  const { infeasible, scored } = view;
  if (infeasible.length === 0) return `Every trial with a result met ${limits}.`;
  if (infeasible.length === scored.length) {
    const closest = infeasible[0]!;
    return `No trial met ${limits}; the closest (trial ${closest.trial.id}) missed by ${fmtNumber(closest.violation)}.`;
  }
  const n = infeasible.length;
  return `${n} of ${scored.length} trials with a result missed ${limits}: ${n > 1 ? "they are" : "it is"} not on the front.`;
}

/** The front as a markdown section, for a study with several objectives; undefined otherwise. */
export function frontSection(config: Config, study: Study): string | undefined {
  if (!isMultiObjective(config)) return undefined;
  const view = frontView(config, study);
  const note = constraintsNote(config, view);
  if (view.front.length === 0)
    return ["### Pareto front", "_No feasible trial has a result for every objective yet._", note]
      .filter((p) => p !== undefined)
      .join("\n\n");
  const params = Object.keys(config.parameters).filter((n) => config.parameters[n]!.type !== "constant");
  const rows = view.front.map((s) => [
    s === view.chosen ? `${s.trial.id} ★` : String(s.trial.id),
    ...s.values.map((v) => fmtNumber(v)),
    ...params.map((p) => fmtScalar(s.trial.params[p])),
  ]);
  const table = mdTable([["trial", ...config.objective.map(objectiveTitle), ...params.map(plainText)], ...rows], {
    align: ["l", ...config.objective.map(() => "r" as const), ...params.map(() => "l" as const)],
  });
  const size = view.front.length;
  const head = `${size} ${size > 1 ? "trials are" : "trial is"} on the front: no other feasible trial is as good in every objective and better in one. ★ is the chosen one, ${chosenRule(config)}; the rest follow by ${metricCode(config.objective[0].metric)}.`;
  return ["### Pareto front", head, table, note].filter((p) => p !== undefined).join("\n\n");
}

/** "front of 4 · chosen trial 7 (latency_ms=12, accuracy=0.93)", for a terminal; "no feasible result yet" before there is one. */
export function frontLine(config: Ranking, study: Study): string {
  const view = frontView(config, study);
  if (!view.chosen) return "no feasible result yet";
  const values = config.objective.map((o, i) => `${o.metric}=${fmtNumber(view.chosen!.values[i]!)}`).join(", ");
  return `front of ${view.front.length} · chosen trial ${view.chosen.trial.id} (${values})`;
}
