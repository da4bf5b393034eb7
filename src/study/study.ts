/**
 * Pure operations on the study state. Each returns a new study and leaves its
 * input untouched, so a shell can save, compare or discard states freely.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config/schema.ts";
import { isFeasible, scoreTrial } from "../pareto/scores.ts";
import { isBetter } from "../protocol/objective.ts";
import { type Run, sameRun } from "../protocol/run.ts";
import type { Attempt, NewTrial, Stop, Trial } from "../protocol/trial.ts";
import { latestAttempt } from "../protocol/trial-value.ts";
import { strategyFor } from "../strategy/registry.ts";
import type { Ranking } from "./best.ts";
import { boundCurve, curveKeep } from "./curve.ts";
import { STATE_VERSION, type Study } from "./schema.ts";
import type { WarmStart } from "./warm-start.ts";

/** A new study; `warmStart` is what it takes from a related one (see warm-start.ts). */
export function createStudy(config: Config, { warmStart }: { warmStart?: WarmStart } = {}): Study {
  return {
    version: STATE_VERSION,
    name: config.name,
    configHash: configHash(config),
    config,
    seed: config.seed,
    strategy: config.strategy,
    trials: [],
    rounds: [],
    ...(warmStart ? { warmStart } : {}),
  };
}

/**
 * Hash of what defines the search. Budgets, timeouts, the command and the
 * environment may change between sessions (extending a study is normal); the
 * space, objective, strategy, seed, resource and how values are measured
 * (stopping rule, repeats, folds) may not, or old results would mislead.
 */
export function configHash(config: Config): string {
  return createHash("sha256")
    .update(stableJson(definingParts(config)))
    .digest("hex")
    .slice(0, 16);
}

function definingParts(config: Config) {
  return {
    // A description documents a parameter; it does not change the search.
    parameters: Object.fromEntries(
      Object.entries(config.parameters).map(([name, { description: _, ...p }]) => [name, p]),
    ),
    // One objective hashes as it did before lists existed. Constraints and select are left out:
    // every trial's metrics are kept, so a changed limit re-judges old results without misleading.
    objective:
      config.objective.length === 1
        ? { metric: config.objective[0].metric, goal: config.objective[0].goal }
        : config.objective.map(({ metric, goal }) => ({ metric, goal })),
    strategy: config.strategy,
    seed: config.seed,
    // Left out when unset, so that studies saved before these existed keep their hash.
    sampler: strategyFor(config.strategy).usesSampler ? config.sampler : undefined,
    resource: config.resource,
    early_stopping: config.early_stopping,
    members: membersOf(config) > 1 ? { repeats: config.repeats, folds: config.folds } : undefined,
  };
}

/** What differs between two configs in the parts that define a study: `parameters.lr`, `strategy`, … */
export function definingDifferences(before: Config, now: Config): string[] {
  const a = definingParts(before);
  const b = definingParts(now);
  const differs = (x: unknown, y: unknown) => stableJson(x) !== stableJson(y);
  const names = [...new Set([...Object.keys(a.parameters), ...Object.keys(b.parameters)])];
  const params = names.filter((n) => differs(a.parameters[n], b.parameters[n])).map((n) => `parameters.${n}`);
  const rest = (Object.keys(a) as (keyof typeof a)[]).filter((k) => k !== "parameters" && differs(a[k], b[k]));
  return [...params, ...rest];
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

/** The trials of the search itself, without reference runs on other commits. */
export function searchTrials(study: Study): Trial[] {
  return study.trials.filter((t) => t.ref === undefined);
}

/** The config's defaults run on the base branch's commit, when the study has them. */
export function referenceTrial(study: Study): Trial | undefined {
  return study.trials.find((t) => t.ref !== undefined);
}

/** How many jobs evaluate one configuration: every repeat of every fold. */
export function membersOf(config: Pick<Config, "repeats" | "folds">): number {
  return config.repeats * config.folds;
}

/** The repeat (TUNE_SEED) and fold (TUNE_FOLD) of member `index`. */
export function memberSeedFold(config: Pick<Config, "folds">, index: number): { seed: number; fold: number } {
  return { seed: Math.floor(index / config.folds), fold: index % config.folds };
}

function runsOf(trialId: number, attempt: number, members: number): Run[] {
  if (members === 1) return [{ trialId, attempt }];
  return Array.from({ length: members }, (_, member) => ({ trialId, attempt, member }));
}

/** Opens a round: new trials for `fresh` configurations, and new attempts of `retry` trials. */
export function openRound(
  study: Study,
  fresh: readonly NewTrial[],
  retry: readonly number[],
): { study: Study; runs: Run[] } {
  const index = study.rounds.length + 1;
  const members = membersOf(study.config);
  const retried = new Set(retry);
  let nextId = study.trials.length;
  const trials: Trial[] = study.trials.map((t) => (retried.has(t.id) ? { ...t, status: "pending" } : t));
  const runs: Run[] = retry.flatMap((id) => runsOf(id, latestAttempt(study.trials[id]!) + 1, members));
  for (const t of fresh) {
    trials.push({ ...t, id: nextId, round: index, params: { ...t.params }, status: "pending", attempts: [] });
    runs.push(...runsOf(nextId++, 1, members));
  }
  return { study: { ...study, trials, rounds: [...study.rounds, { index, runs }] }, runs };
}

/** Adds trials to the round just opened (a reference run beside the round's search trials). */
export function extendRound(study: Study, fresh: readonly NewTrial[]): { study: Study; runs: Run[] } {
  const last = study.rounds.at(-1);
  if (!last) throw new Error("extendRound needs an open round");
  const members = membersOf(study.config);
  const trials = study.trials.slice();
  const runs: Run[] = [];
  for (const t of fresh) {
    const id = trials.length;
    trials.push({ ...t, id, round: last.index, params: { ...t.params }, status: "pending", attempts: [] });
    runs.push(...runsOf(id, 1, members));
  }
  const rounds = [...study.rounds.slice(0, -1), { ...last, runs: [...last.runs, ...runs] }];
  return { study: { ...study, trials, rounds }, runs };
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
export function recordAttempt(study: Study, recorded: Attempt): Study {
  const trial = study.trials[recorded.trialId];
  if (!trial)
    throw new Error(`result for trial ${recorded.trialId}, but the study has trials 0..${study.trials.length - 1}`);
  if (trial.attempts.some((a) => sameRun(a, recorded))) return study;
  // Whoever ran it, and however long its curve, the state keeps a bounded one.
  const attempt = { ...recorded, intermediate: boundCurve(recorded.intermediate, curveKeep(study)) };
  const attempts = [...trial.attempts, attempt].sort(
    (a, b) => a.attempt - b.attempt || (a.member ?? 0) - (b.member ?? 0),
  );
  const members = membersOf(study.config);
  const latest = attempts.filter((a) => a.attempt === attempt.attempt);
  // Until every member of the attempt is in, the trial is still running.
  const status = latest.length < members ? trial.status : combinedStatus(latest);
  const trials = study.trials.slice();
  trials[trial.id] = { ...trial, attempts, status };
  return { ...study, trials };
}

/**
 * A configuration is pruned if the stopping rule stopped any of its members:
 * a mean over the members that survived would flatter it. Otherwise it counts
 * if any member succeeded; the failed ones show in its count.
 */
function combinedStatus(members: readonly Attempt[]): Trial["status"] {
  if (members.some((a) => a.status === "pruned")) return "pruned";
  return members.some((a) => a.status === "succeeded") ? "succeeded" : "failed";
}

export function withStop(study: Study, stop: Stop | undefined): Study {
  const { stop: _, ...rest } = study;
  return stop ? { ...rest, stop } : rest;
}

/** Best value so far after each search trial, in trial order (undefined until a feasible one succeeds); one objective. */
export function bestSoFar(config: Ranking, study: Study): (number | undefined)[] {
  const goal = config.objective[0].goal;
  let best: number | undefined;
  return searchTrials(study).map((t) => {
    const s = scoreTrial(config, t);
    const v = s && isFeasible(s) ? s.values[0] : undefined;
    if (v !== undefined && (best === undefined || isBetter(goal, v, best))) best = v;
    return best;
  });
}

/** Runs of the last round that have not finished (interrupted or still going). */
export function unfinishedRuns(study: Study): Run[] {
  const last = study.rounds[study.rounds.length - 1];
  if (!last) return [];
  return last.runs.filter((r) => !study.trials[r.trialId]!.attempts.some((a) => sameRun(a, r)));
}
