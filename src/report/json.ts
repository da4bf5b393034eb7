/**
 * A study as JSON for scripts: `matrix-tune report --json`, and best.json,
 * which `matrix-tune run` keeps beside state.json. Both are versioned and
 * described by zod schemas here, so a field changes only with the version;
 * state.json is matrix-tune's own record and may change shape, these may not.
 */

import { z } from "zod";
import type { Trial } from "../protocol/trial.ts";
import { latestAttempt, trialValue } from "../protocol/trial-value.ts";
import { bestTrial } from "../study/best.ts";
import { studyCost } from "../study/cost.ts";
import type { Study } from "../study/schema.ts";
import { latestRecords } from "./members.ts";

export const JSON_REPORT_VERSION = 1;

const params = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const STATUSES = ["pending", "running", "succeeded", "failed", "pruned"] as const;

/** The best trial so far: `trial: null` (and no value or params) while none has succeeded. */
export const bestJsonSchema = z.strictObject({
  version: z.literal(JSON_REPORT_VERSION),
  study: z.string(),
  metric: z.string(),
  goal: z.enum(["minimize", "maximize"]),
  trial: z.int().min(0).nullable(),
  value: z.number().nullable(),
  params: params.nullable(),
});
export type BestJson = z.infer<typeof bestJsonSchema>;

export const studyJsonSchema = z.strictObject({
  version: z.literal(JSON_REPORT_VERSION),
  study: z.string(),
  strategy: z.string(),
  metric: z.string(),
  goal: z.enum(["minimize", "maximize"]),
  /** finished: a completion criterion stopped it (see stop); unfinished: `run --resume` would go on. */
  status: z.enum(["finished", "unfinished"]),
  stop: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  best: z.strictObject({ trial: z.int().min(0), value: z.number(), params }).nullable(),
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
