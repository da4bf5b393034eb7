/**
 * A study as JSON for scripts: `matrix-tune report --json`, and best.json,
 * which `matrix-tune run` keeps beside state.json. Both are versioned and
 * described by zod schemas here, so a field changes only with the version;
 * state.json is matrix-tune's own record and may change shape, these may not.
 */

import { z } from "zod";
import type { Trial } from "../protocol/trial.ts";
import { latestAttempt, trialValue } from "../protocol/trial-value.ts";
import { bestTrial, type Ranking } from "../study/best.ts";
import { studyCost } from "../study/cost.ts";
import type { Study } from "../study/schema.ts";
import { frontView, isMultiObjective } from "./front.ts";
import { latestRecords } from "./members.ts";

export const JSON_REPORT_VERSION = 1;

const params = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const goal = z.enum(["minimize", "maximize"]);
const STATUSES = ["pending", "running", "succeeded", "failed", "pruned"] as const;

/** The best trial so far: `trial: null` (and no value or params) while none has succeeded. */
export const bestJsonSchema = z.strictObject({
  version: z.literal(JSON_REPORT_VERSION),
  study: z.string(),
  metric: z.string(),
  goal,
  trial: z.int().min(0).nullable(),
  value: z.number().nullable(),
  params: params.nullable(),
});
export type BestJson = z.infer<typeof bestJsonSchema>;

/** A trial of the feasible Pareto front: `values` has every objective by metric name; `chosen` marks the study's result. */
export const frontMemberJsonSchema = z.strictObject({
  trial: z.int().min(0),
  params,
  values: z.record(z.string(), z.number()),
  chosen: z.boolean(),
});
export type FrontMemberJson = z.infer<typeof frontMemberJsonSchema>;

export const studyJsonSchema = z.strictObject({
  version: z.literal(JSON_REPORT_VERSION),
  study: z.string(),
  strategy: z.string(),
  metric: z.string(),
  goal,
  /** finished: a completion criterion stopped it (see stop); unfinished: `run --resume` would go on. */
  status: z.enum(["finished", "unfinished"]),
  stop: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  /** With several objectives, the chosen trial of the front (see src/study/best.ts); `value` is its first objective's. */
  best: z.strictObject({ trial: z.int().min(0), value: z.number(), params }).nullable(),
  /**
   * Added within version 1, present only for a study with several objectives
   * or with constraints (so a single-objective study's JSON is as before):
   * every objective, the constraints, and the feasible Pareto front as the
   * report orders it (the chosen trial first).
   */
  objectives: z.array(z.strictObject({ metric: z.string(), goal, target: z.number().nullable() })).optional(),
  constraints: z
    .array(z.strictObject({ metric: z.string(), min: z.number().nullable(), max: z.number().nullable() }))
    .optional(),
  front: z.array(frontMemberJsonSchema).optional(),
  /** What the study started from (warm start): the other study's trials it learned from are not among `trials`. */
  warm_start: z
    .strictObject({
      source: z.string(),
      /** The other study's trials with a value, and how many of them mapped into this space. */
      offered: z.int().min(0),
      used: z.int().min(0),
      /** This study's trials that re-ran the other's best configurations. */
      reran: z.array(z.int().min(0)),
      notes: z.array(z.string()),
    })
    .nullable(),
  counts: z.strictObject({
    trials: z.int().min(0),
    succeeded: z.int().min(0),
    failed: z.int().min(0),
    pruned: z.int().min(0),
    pending: z.int().min(0),
    running: z.int().min(0),
  }),
  /** Runner time (see study/cost.ts), in minutes; money when the config prices its runners. */
  cost: z.strictObject({
    runner_minutes: z.number().min(0),
    process_minutes: z.number().min(0),
    /** The share of runner time spent outside the training process; null until runner time was recorded. */
    outside_share: z.number().min(0).max(1).nullable(),
    rounds: z.array(z.strictObject({ round: z.int().min(1), runner_minutes: z.number().min(0) })),
    /** What the rest of the budget would take at the mean trial so far. */
    forecast: z
      .strictObject({ trials: z.int().min(1), rounds: z.int().min(1), runner_minutes: z.number().min(0) })
      .nullable(),
    money: z
      .strictObject({ currency: z.string(), spent: z.number().min(0), forecast: z.number().min(0).nullable() })
      .nullable(),
  }),
  trials: z.array(
    z.strictObject({
      id: z.int().min(0),
      round: z.int().min(1),
      status: z.enum(STATUSES),
      params,
      /** The resource (e.g. epochs) it trained with, when the config has one. */
      resource: z.number().nullable(),
      /** A reference run on another commit (the base branch's defaults), not part of the search. */
      reference: z.boolean(),
      /** The mean over its latest attempt's members that succeeded. */
      value: z.number().nullable(),
      attempts: z.int().min(0),
      /** Each run of the latest attempt: one per repeat × fold (member 0 alone without them). */
      members: z.array(
        z.strictObject({
          member: z.int().min(0),
          status: z.enum(["succeeded", "failed", "pruned"]),
          value: z.number().nullable(),
          reason: z.string().nullable(),
        }),
      ),
    }),
  ),
});
export type StudyJson = z.infer<typeof studyJsonSchema>;

export function bestJson(study: Study): BestJson {
  const { metric, goal } = study.config.objective[0];
  const best = bestTrial(study.config, study);
  return {
    version: JSON_REPORT_VERSION,
    study: study.name,
    metric,
    goal,
    trial: best?.id ?? null,
    value: best ? trialValue(best)! : null,
    params: best?.params ?? null,
  };
}

export function studyJson(study: Study): StudyJson {
  const { metric, goal } = study.config.objective[0];
  const best = bestJson(study);
  const count = (status: Trial["status"]) => study.trials.filter((t) => t.status === status).length;
  return {
    version: JSON_REPORT_VERSION,
    study: study.name,
    strategy: study.strategy,
    metric,
    goal,
    status: study.stop ? "finished" : "unfinished",
    stop: study.stop ?? null,
    best: best.trial === null ? null : { trial: best.trial, value: best.value!, params: best.params! },
    ...goalsJson(study),
    warm_start: study.warmStart
      ? {
          source: study.warmStart.source,
          offered: study.warmStart.offered,
          used: study.warmStart.trials.length,
          reran: study.warmStart.reran,
          notes: study.warmStart.notes,
        }
      : null,
    counts: {
      trials: study.trials.length,
      succeeded: count("succeeded"),
      failed: count("failed"),
      pruned: count("pruned"),
      pending: count("pending"),
      running: count("running"),
    },
    cost: costJson(study),
    trials: study.trials.map((t) => ({
      id: t.id,
      round: t.round,
      status: t.status,
      params: t.params,
      resource: t.resource ?? null,
      reference: t.ref !== undefined,
      value: trialValue(t) ?? null,
      attempts: latestAttempt(t),
      // In member order, not the order they happened to finish in.
      members: latestRecords(t)
        .map((a) => ({
          member: a.member ?? 0,
          status: a.status,
          value: a.status === "failed" ? null : (a.value ?? null),
          reason: a.status === "succeeded" ? null : a.reason,
        }))
        .sort((a, b) => a.member - b.member),
    })),
  };
}

/** The objectives, constraints and front, for a study that has more than one objective or has constraints. */
function goalsJson(study: Study): Pick<StudyJson, "objectives" | "constraints" | "front"> {
  const config = study.config;
  if (!isMultiObjective(config) && config.constraints.length === 0) return {};
  return {
    objectives: config.objective.map((o) => ({ metric: o.metric, goal: o.goal, target: o.target ?? null })),
    constraints: config.constraints.map((c) => ({ metric: c.metric, min: c.min ?? null, max: c.max ?? null })),
    front: frontJson(config, study),
  };
}

/** The feasible Pareto front, the chosen trial first (for one objective: the best trial and any that tie it). */
export function frontJson(config: Ranking, study: Study): FrontMemberJson[] {
  const view = frontView(config, study);
  return view.front.map((s) => ({
    trial: s.trial.id,
    params: s.trial.params,
    values: Object.fromEntries(config.objective.map((o, i) => [o.metric, s.values[i]!])),
    chosen: s === view.chosen,
  }));
}

function costJson(study: Study): StudyJson["cost"] {
  const cost = studyCost(study.config, study);
  const minutes = (ms: number) => ms / 60_000;
  const price = cost.price;
  return {
    runner_minutes: minutes(cost.runnerMs),
    process_minutes: minutes(cost.processMs),
    outside_share: cost.outsideShare ?? null,
    rounds: cost.rounds.map((r) => ({ round: r.round, runner_minutes: minutes(r.runnerMs) })),
    forecast: cost.forecast
      ? { trials: cost.forecast.trials, rounds: cost.forecast.rounds, runner_minutes: minutes(cost.forecast.runnerMs) }
      : null,
    money: price
      ? {
          currency: price.currency,
          spent: minutes(cost.runnerMs) * price.perMinute,
          forecast: cost.forecast ? minutes(cost.forecast.runnerMs) * price.perMinute : null,
        }
      : null,
  };
}
