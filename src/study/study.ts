/**
 * Pure operations on the study state. Each returns a new study and leaves its
 * input untouched, so a shell can save, compare or discard states freely.
 */
import { createHash } from "node:crypto";
import type { Config, Objective } from "../config/schema.ts";
import type { Params } from "../space/space.ts";
import { type Attempt, STATE_VERSION, type Stop, type Study, type Trial } from "./schema.ts";

export function createStudy(config: Config): Study {
  return {
    version: STATE_VERSION,
    name: config.name,
    configHash: configHash(config),
    config,
    seed: config.seed,
    strategy: config.strategy,
    trials: [],
    rounds: [],
  };
}

/**
 * Hash of what defines the search. Budgets, timeouts, the command and the
 * environment may change between sessions (extending a study is normal); the
 * space, objective, strategy and seed may not, or old results would mislead.
 */
export function configHash(config: Config): string {
  const defining = {
    parameters: config.parameters,
    objective: { metric: config.objective.metric, goal: config.objective.goal },
    strategy: config.strategy,
    seed: config.seed,
  };
  return createHash("sha256").update(stableJson(defining)).digest("hex").slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

export interface Run {
  trialId: number;
  attempt: number;
}

/** Opens a round: new trials for `fresh` configurations, and new attempts of `retry` trials. */
export function openRound(
  study: Study,
  fresh: readonly Params[],
  retry: readonly number[],
): { study: Study; runs: Run[] } {
  const index = study.rounds.length + 1;
  const retried = new Set(retry);
  let nextId = study.trials.length;
  const trials: Trial[] = study.trials.map((t) => (retried.has(t.id) ? { ...t, status: "pending" } : t));
  const runs: Run[] = retry.map((id) => ({ trialId: id, attempt: study.trials[id]!.attempts.length + 1 }));
  for (const params of fresh) {
    trials.push({ id: nextId, round: index, params: { ...params }, status: "pending", attempts: [] });
    runs.push({ trialId: nextId++, attempt: 1 });
  }
  return { study: { ...study, trials, rounds: [...study.rounds, { index, runs }] }, runs };
}

export function markRunning(study: Study, trialIds: readonly number[]): Study {
  const ids = new Set(trialIds);
  return {
    ...study,
    trials: study.trials.map((t) => (ids.has(t.id) && t.status === "pending" ? { ...t, status: "running" } : t)),
  };
}

/**
 * Records one finished attempt. Recording the same attempt again changes
 * nothing, so a re-run report job or a replayed result file is harmless.
 */
export function recordAttempt(study: Study, attempt: Attempt): Study {
  const trial = study.trials[attempt.trialId];
  if (!trial)
    throw new Error(`result for trial ${attempt.trialId}, but the study has trials 0..${study.trials.length - 1}`);
  if (trial.attempts.some((a) => a.attempt === attempt.attempt)) return study;
  const attempts = [...trial.attempts, attempt].sort((a, b) => a.attempt - b.attempt);
  const trials = study.trials.slice();
  trials[trial.id] = { ...trial, attempts, status: attempts[attempts.length - 1]!.status };
  return { ...study, trials };
}

export function withStop(study: Study, stop: Stop | undefined): Study {
  const { stop: _, ...rest } = study;
  return stop ? { ...rest, stop } : rest;
}

/** The objective value a trial counts with: its last attempt's, if it succeeded. */
export function trialValue(trial: Trial): number | undefined {
  const last = trial.attempts[trial.attempts.length - 1];
  return trial.status === "succeeded" && last?.status === "succeeded" ? last.value : undefined;
}

export function isBetter(goal: Objective["goal"], a: number, b: number): boolean {
  return goal === "minimize" ? a < b : a > b;
}

/** The best succeeded trial; the earlier one wins a tie. */
export function bestTrial(study: Study, goal: Objective["goal"]): Trial | undefined {
  let best: Trial | undefined;
  let bestValue = 0;
  for (const t of study.trials) {
    const v = trialValue(t);
    if (v !== undefined && (best === undefined || isBetter(goal, v, bestValue))) {
      best = t;
      bestValue = v;
    }
  }
  return best;
}

/** Best value so far after each trial, in trial order (undefined until one succeeds). */
export function bestSoFar(study: Study, goal: Objective["goal"]): (number | undefined)[] {
  let best: number | undefined;
  return study.trials.map((t) => {
    const v = trialValue(t);
    if (v !== undefined && (best === undefined || isBetter(goal, v, best))) best = v;
    return best;
  });
}

/** Runs of the last round that have not finished (interrupted or still going). */
export function unfinishedRuns(study: Study): Run[] {
  const last = study.rounds[study.rounds.length - 1];
  if (!last) return [];
  return last.runs.filter((r) => !study.trials[r.trialId]!.attempts.some((a) => a.attempt === r.attempt));
}
