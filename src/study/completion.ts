/**
 * When a study is finished: the completion criteria of the config's budget and
 * objective, checked in a fixed order so the reason given is always the same.
 */
import type { Config } from "../config/schema.ts";
import { isBetter } from "../protocol/objective.ts";
import type { Stop } from "../protocol/trial.ts";
import { trialValue, willRetry } from "../protocol/trial-value.ts";
import { affordableTrials, meanTrialMs, runnerMsSpent } from "./cost.ts";
import type { Study } from "./schema.ts";
import { bestTrial, searchTrials } from "./study.ts";

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
  const { goal, target } = config.objective;
  const best = bestTrial(study, goal);
  const bestValue = best && trialValue(best);
  if (target !== undefined && bestValue !== undefined && (bestValue === target || isBetter(goal, bestValue, target)))
    return { code: "target_reached", message: `trial ${best!.id} reached ${bestValue}, the target is ${target}` };

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

/** How many of the latest rounds did not improve on the best value before them. */
export function roundsWithoutImprovement(config: Config, study: Study): number {
  const goal = config.objective.goal;
  const roundOf = new Map<number, number>();
  for (const r of study.rounds) for (const run of r.runs) roundOf.set(run.trialId, r.index);
  const bestByRound: (number | undefined)[] = [];
  for (const t of study.trials) {
    const v = trialValue(t);
    if (v === undefined) continue;
    const r = (roundOf.get(t.id) ?? t.round) - 1;
    const cur = bestByRound[r];
    if (cur === undefined || isBetter(goal, v, cur)) bestByRound[r] = v;
  }
  let best: number | undefined;
  let stale = 0;
  for (let r = 0; r < study.rounds.length; r++) {
    const v = bestByRound[r];
    if (v !== undefined && (best === undefined || isBetter(goal, v, best))) {
      best = v;
      stale = 0;
    } else stale++;
  }
  return stale;
}
