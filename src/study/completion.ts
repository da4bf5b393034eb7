/**
 * When a study is finished: the completion criteria of the config's budget and
 * objective, checked in a fixed order so the reason given is always the same.
 */
import type { Config } from "../config/schema.ts";
import { dominates } from "../pareto/dominance.ts";
import { isFeasible, type Scored, scoreTrials } from "../pareto/scores.ts";
import { isBetter } from "../protocol/objective.ts";
import type { Stop } from "../protocol/trial.ts";
import { willRetry } from "../protocol/trial-value.ts";
import { chooseBest } from "./best.ts";
import { affordableTrials, meanTrialMs, runnerMsSpent } from "./cost.ts";
import type { Study } from "./schema.ts";
import { searchTrials } from "./study.ts";

/** Failed trials that will not be retried any more. */
export function exhaustedFailures(study: Study, config: Config): number {
  return study.trials.filter((t) => t.status === "failed" && !willRetry(t, config.budget.retries)).length;
}

export function maxFailures(config: Config): number {
  return config.budget.max_failures ?? Math.floor(config.budget.max_trials / 2);
}

/**
 * Why the study should stop now, or undefined to go on. `now` (ms since the
 * epoch) is the shell's clock, for budget.max_duration: without it, that
 * budget is not checked.
 */
export function completion(config: Config, study: Study, now?: number): Stop | undefined {
  const reached = targetReached(config, study);
  if (reached) return reached;

  const failures = exhaustedFailures(study, config);
  if (failures > maxFailures(config))
    return {
      code: "max_failures",
      message: `${failures} trials failed, more than the ${maxFailures(config)} allowed (budget.max_failures)`,
    };

  const pendingRetries = study.trials.some((t) => willRetry(t, config.budget.retries));
  if (searchTrials(study).length >= config.budget.max_trials && !pendingRetries)
    return { code: "max_trials", message: `all ${config.budget.max_trials} trials ran (budget.max_trials)` };

  const { max_rounds, patience } = config.budget;
  if (max_rounds !== undefined && study.rounds.length >= max_rounds)
    return { code: "max_rounds", message: `${max_rounds} rounds ran (budget.max_rounds)` };

  const spent = runnerBudgetStop(config, study) ?? durationStop(config, study, now);
  if (spent) return spent;

  if (patience !== undefined) {
    const stale = roundsWithoutImprovement(config, study);
    if (stale >= patience)
      return {
        code: "patience",
        message: `no improvement in the last ${stale} rounds (budget.patience is ${patience})`,
      };
  }
  return undefined;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} runner-minutes`;

/** Spent, or what is left pays for no trial at the mean so far (so a trial would cross it). */
function runnerBudgetStop(config: Config, study: Study): Stop | undefined {
  const cap = config.budget.max_runner_minutes;
  if (cap === undefined || affordableTrials(config, study) !== 0) return undefined;
  const spent = runnerMsSpent(study);
  const left = cap * 60_000 - spent;
  return {
    code: "max_runner_minutes",
    message:
      left <= 0
        ? `${minutes(spent)} spent, the budget is ${cap} (budget.max_runner_minutes)`
        : `${minutes(spent)} spent of ${cap} (budget.max_runner_minutes): the ${minutes(left)} left pay for no trial at the mean of ${minutes(meanTrialMs(study)!)}`,
  };
}

function durationStop(config: Config, study: Study, now: number | undefined): Stop | undefined {
  const limit = config.budget.max_duration;
  if (limit === undefined || now === undefined || study.startedAt === undefined) return undefined;
  const elapsed = now - Date.parse(study.startedAt);
  if (!(elapsed >= limit * 1000)) return undefined;
  return {
    code: "max_duration",
    message: `the study started ${(elapsed / 3_600_000).toFixed(1)} h ago, longer than the ${(limit / 3600).toFixed(1)} h allowed (budget.max_duration)`,
  };
}

/**
 * The first feasible trial that reaches the target of every objective that
 * has one (with one objective: the best trial, when it reaches it).
 */
function targetReached(config: Config, study: Study): Stop | undefined {
  const targets = config.objective.flatMap((o, i) => (o.target === undefined ? [] : [{ ...o, target: o.target, i }]));
  if (targets.length === 0) return undefined;
  const meets = (s: Scored) =>
    targets.every((o) => s.values[o.i] === o.target || isBetter(o.goal, s.values[o.i]!, o.target));
  const scored = scoreTrials(config, searchTrials(study)).filter(isFeasible);
  const hit = config.objective.length === 1 ? chooseBest(config, scored) : scored.find(meets);
  if (!hit || !meets(hit)) return undefined;
  if (config.objective.length === 1)
    return {
      code: "target_reached",
      message: `trial ${hit.trial.id} reached ${hit.values[0]}, the target is ${targets[0]!.target}`,
    };
  const reachedText = targets.map((o) => `${o.metric} ${hit.values[o.i]} (target ${o.target})`).join(", ");
  return { code: "target_reached", message: `trial ${hit.trial.id} reached every target: ${reachedText}` };
}

/**
 * How many of the latest rounds improved on nothing before them: no feasible
 * trial of theirs was better than the best before (with several objectives:
 * left the front where it was, every one of its results equalled or dominated by an earlier one).
 */
export function roundsWithoutImprovement(config: Config, study: Study): number {
  const roundOf = new Map<number, number>();
  for (const r of study.rounds) for (const run of r.runs) roundOf.set(run.trialId, r.index);
  const byRound: Scored[][] = study.rounds.map(() => []);
  for (const s of scoreTrials(config, study.trials).filter(isFeasible))
    byRound[(roundOf.get(s.trial.id) ?? s.trial.round) - 1]?.push(s);
  const earlier: (readonly number[])[] = [];
  let stale = 0;
  for (const round of byRound) {
    const improves = round.some((s) => !earlier.some((e) => dominates(e, s.loss) || sameLoss(e, s.loss)));
    stale = improves ? 0 : stale + 1;
    earlier.push(...round.map((s) => s.loss));
  }
  return stale;
}

const sameLoss = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v === b[i]);
