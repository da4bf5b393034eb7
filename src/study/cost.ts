/**
 * What a study costs in runner time, and what the rest of its budget will:
 * per round and in all, the share spent outside the training process, a
 * forecast from the mean trial so far, and money when runner labels are
 * priced. Pure: the planner shrinks rounds and completion stops studies with
 * it, and the reports show it, so they all count the same minutes.
 */
import type { Config } from "../config/schema.ts";
import { runKey } from "../protocol/run.ts";
import type { Attempt } from "../protocol/trial.ts";
import type { Study } from "./schema.ts";
import { searchTrials } from "./study.ts";

const MINUTE_MS = 60_000;

/**
 * An attempt's runner time. Where none was recorded (a state from before it
 * was, an in-process run) its process time stands in: a lower bound.
 */
export function attemptRunnerMs(attempt: Attempt): number {
  return attempt.runnerMs ?? attempt.durationMs;
}

export interface Spent {
  runnerMs: number;
  processMs: number;
  /** Runner time recorded as such (not stood in for by process time): what the share outside is of. */
  measuredMs: number;
  measuredProcessMs: number;
}

export interface RoundCost extends Spent {
  round: number;
}

export interface Cost extends Spent {
  rounds: RoundCost[];
  /** See outsideShare(). */
  outsideShare?: number;
  /** The mean runner time of a trial that ran (all its members and attempts). */
  trialMs?: number;
  /** The budget's remaining trials at the mean so far (fewer when budget.max_runner_minutes pays for fewer). */
  forecast?: { trials: number; rounds: number; runnerMs: number };
  /** budget.max_runner_minutes, and what is left of it. */
  cap?: { runnerMs: number; leftMs: number };
  /** The price of a runner-minute of the trial jobs (see pricePerMinute). */
  price?: { perMinute: number; currency: string };
}

function spentOn(attempts: readonly Attempt[]): Spent {
  const spent: Spent = { runnerMs: 0, processMs: 0, measuredMs: 0, measuredProcessMs: 0 };
  for (const a of attempts) {
    spent.runnerMs += attemptRunnerMs(a);
    spent.processMs += a.durationMs;
    if (a.runnerMs !== undefined) {
      spent.measuredMs += a.runnerMs;
      spent.measuredProcessMs += a.durationMs;
    }
  }
  return spent;
}

/** 1 − Σprocess / Σrunner over the attempts whose runner time was recorded; undefined when none was. */
export function outsideShare(spent: Spent): number | undefined {
  if (spent.measuredMs === 0) return undefined;
  return Math.max(0, (spent.measuredMs - spent.measuredProcessMs) / spent.measuredMs);
}

const allAttempts = (study: Study): Attempt[] => study.trials.flatMap((t) => t.attempts);

/** The study's runner time so far, in milliseconds. */
export function runnerMsSpent(study: Study): number {
  return spentOn(allAttempts(study)).runnerMs;
}

/** The mean runner time of a trial that has run, or undefined before any has. */
export function meanTrialMs(study: Study): number | undefined {
  const ran = study.trials.filter((t) => t.attempts.length > 0);
  if (ran.length === 0) return undefined;
  return ran.reduce((s, t) => s + spentOn(t.attempts).runnerMs, 0) / ran.length;
}

/**
 * How many more trials budget.max_runner_minutes pays for at the mean trial so
 * far; undefined without that budget, or before any trial ran (the first round
 * has nothing to forecast from, so it runs whole).
 */
export function affordableTrials(config: Config, study: Study): number | undefined {
  const cap = config.budget.max_runner_minutes;
  const mean = meanTrialMs(study);
  if (cap === undefined || mean === undefined) return undefined;
  const left = cap * MINUTE_MS - runnerMsSpent(study);
  if (left <= 0) return 0;
  // A study of instant trials (in-process, or no runner time recorded) is never stopped by a forecast.
  return mean > 0 ? Math.floor(left / mean) : Number.POSITIVE_INFINITY;
}

/**
 * The price of a runner-minute of the trial jobs: the dearest priced label of
 * runs_on. A job runs on one machine, and runs_on's labels together pick it;
 * summing their prices would charge one machine several times over, while the
 * dearest priced label is the machine class (a `gpu` label over `self-hosted`).
 */
export function pricePerMinute(config: Config): number | undefined {
  const per = config.cost?.per_minute;
  if (!per) return undefined;
  const labels = Array.isArray(config.runs_on) ? config.runs_on : [config.runs_on];
  const prices = labels.flatMap((l) => (per[l] === undefined ? [] : [per[l]]));
  return prices.length ? Math.max(...prices) : undefined;
}

export function studyCost(config: Config, study: Study): Cost {
  const roundOf = new Map<string, number>();
  for (const r of study.rounds) for (const run of r.runs) roundOf.set(runKey(run), r.index);
  const byRound = new Map<number, Attempt[]>();
  for (const a of allAttempts(study)) {
    const round = roundOf.get(runKey(a)) ?? study.trials[a.trialId]!.round;
    byRound.set(round, [...(byRound.get(round) ?? []), a]);
  }
  const spent = spentOn(allAttempts(study));
  const cost: Cost = {
    ...spent,
    rounds: [...byRound.entries()].sort(([a], [b]) => a - b).map(([round, as]) => ({ round, ...spentOn(as) })),
  };
  const share = outsideShare(spent);
  if (share !== undefined) cost.outsideShare = share;
  const mean = meanTrialMs(study);
  if (mean !== undefined) cost.trialMs = mean;
  const capMinutes = config.budget.max_runner_minutes;
  if (capMinutes !== undefined)
    cost.cap = { runnerMs: capMinutes * MINUTE_MS, leftMs: Math.max(0, capMinutes * MINUTE_MS - spent.runnerMs) };
  if (mean !== undefined && !study.stop) {
    const left = Math.max(0, config.budget.max_trials - searchTrials(study).length);
    const trials = Math.min(left, affordableTrials(config, study) ?? left);
    if (trials > 0)
      cost.forecast = { trials, rounds: Math.ceil(trials / config.budget.parallel), runnerMs: trials * mean };
  }
  const perMinute = pricePerMinute(config);
  if (perMinute !== undefined) cost.price = { perMinute, currency: config.cost!.currency };
  return cost;
}
