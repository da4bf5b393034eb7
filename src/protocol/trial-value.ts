/** What a trial's attempts add up to: its latest attempt, whether it will be retried, its value. */
import { mean } from "../util/mean.ts";
import type { Trial } from "./trial.ts";

/** The number of the trial's latest attempt (0 before any). */
export function latestAttempt(trial: Trial): number {
  return trial.attempts.reduce((n, a) => Math.max(n, a.attempt), 0);
}

/** A failed trial with attempts left in the budget's retries. */
export function willRetry(trial: Trial, retries: number): boolean {
  return trial.status === "failed" && latestAttempt(trial) <= retries;
}

/** The values of the trial's latest attempt that succeeded: one per member that did. */
export function trialSamples(trial: Trial): number[] {
  if (trial.status !== "succeeded") return [];
  const latest = latestAttempt(trial);
  return trial.attempts.flatMap((a) => (a.attempt === latest && a.status === "succeeded" ? [a.value] : []));
}

/** The objective value a trial counts with: the mean over its latest attempt's members that succeeded. */
export function trialValue(trial: Trial): number | undefined {
  const samples = trialSamples(trial);
  return samples.length ? mean(samples) : undefined;
}

/** A recorded metric as the trial counts it: the mean over its latest attempt's members that succeeded. */
export function trialMetric(trial: Trial, name: string): number | undefined {
  if (trial.status !== "succeeded") return undefined;
  const latest = latestAttempt(trial);
  const samples = trial.attempts.flatMap((a) =>
    a.attempt === latest && a.status === "succeeded" && Object.hasOwn(a.metrics, name) ? [a.metrics[name]!] : [],
  );
  return samples.length ? mean(samples) : undefined;
}
