/**
 * How one trial reads in a report when it may be several runs (repeats ×
 * folds): the mean with its spread and how many members it rests on, the
 * member each run was, and the short form of why a run stopped. Shared by the
 * tables and the terminal progress so that both say the same thing.
 */

import { sampleStd } from "../compare/stats.ts";
import type { Config } from "../config/schema.ts";
import type { Attempt, Trial } from "../protocol/trial.ts";
import { latestAttempt, trialSamples, trialValue } from "../protocol/trial-value.ts";
import { memberSeedFold, membersOf } from "../study/study.ts";
import { mean } from "../util/mean.ts";
import { fmtScaled } from "./comparison.ts";
import { fmtNumber } from "./format.ts";

type MemberConfig = Pick<Config, "repeats" | "folds">;

/** The records of the trial's latest attempt: one per member that has finished. */
export function latestRecords(trial: Trial): Attempt[] {
  const latest = latestAttempt(trial);
  return trial.attempts.filter((a) => a.attempt === latest);
}

/**
 * The objective as a table cell: the mean, and with several members its
 * standard deviation and how many of them it averages, so a mean over 2 of 3
 * folds does not pass for a full one ("0.912 ± 0.004 (2/3)").
 */
export function fmtTrialValue(config: MemberConfig, trial: Trial): string {
  const value = trialValue(trial);
  if (value === undefined) return "–";
  const of = membersOf(config);
  if (of === 1) return fmtNumber(value);
  const samples = trialSamples(trial);
  const count = `(${samples.length}/${of})`;
  if (samples.length < 2) return `${fmtNumber(value)} ${count}`;
  const std = sampleStd(samples);
  return `${fmtScaled(value, std, 4)} ± ${fmtNumber(std, 2)} ${count}`;
}

/** "seed 1 fold 0", naming only what varies, so plain repeats read "seed 1". */
export function memberLabel(config: MemberConfig, member: number | undefined): string {
  if (member === undefined || membersOf(config) === 1) return "";
  const { seed, fold } = memberSeedFold(config, member);
  const parts: string[] = [];
  if (config.repeats > 1) parts.push(`seed ${seed}`);
  if (config.folds > 1) parts.push(`fold ${fold}`);
  return parts.join(" ");
}

/**
 * Why a run did not succeed, short enough for a table cell. A pruned run keeps
 * only its headline ("pruned at step 4"): the median it lost to belongs in the
 * log, the best value it reached is what a reader compares.
 */
export function shortReason(attempt: Attempt, metric: string): string {
  if (attempt.status === "succeeded") return "";
  if (attempt.status === "failed") return attempt.reason;
  const headline = pruneHeadline(attempt);
  return attempt.value === undefined ? headline : `${headline}, best ${metric} ${fmtNumber(attempt.value)}`;
}

/** "pruned at step 4": the reason up to its explanation. */
export function pruneHeadline(attempt: Extract<Attempt, { status: "pruned" }>): string {
  return attempt.reason.split(": ")[0]!;
}

/**
 * The note about the latest attempt's runs that did not succeed: the reason
 * itself for a single run, else the first such member's, and how many more.
 * A pruned trial leads with a pruned member, whatever else failed.
 */
export function membersNote(config: MemberConfig, trial: Trial, metric: string): string {
  const bad = latestRecords(trial).filter((a) => a.status !== "succeeded");
  const first = bad.find((a) => a.status === trial.status) ?? bad[0];
  if (!first) return "";
  const label = memberLabel(config, first.member);
  const more = bad.length > 1 ? ` (+${bad.length - 1} more)` : "";
  return `${label ? `${label}: ` : ""}${shortReason(first, metric)}${more}`;
}

/** The mean of a recorded metric over the members that succeeded (all of them if none did). */
export function memberMetric(trial: Trial, name: string): number | undefined {
  const records = latestRecords(trial);
  const succeeded = records.filter((a) => a.status === "succeeded");
  const values = (succeeded.length ? succeeded : records).flatMap((a) =>
    a.metrics[name] === undefined ? [] : [a.metrics[name]!],
  );
  return values.length ? mean(values) : undefined;
}

/** The trial's run time: members run side by side, so the longest of them. */
export function trialDuration(trial: Trial): number | undefined {
  const records = latestRecords(trial);
  return records.length ? Math.max(...records.map((a) => a.durationMs)) : undefined;
}
