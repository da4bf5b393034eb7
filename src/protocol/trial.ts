/**
 * A trial as every layer sees it: its configuration and its attempts. Knows
 * nothing of configs or strategies, so strategies, the study and the shells
 * can all build on it.
 */
import { z } from "zod";
import { scalar } from "../space/parameter-schema.ts";

const finiteNumber = z.number().refine(Number.isFinite, "must be a finite number");

export const intermediateSchema = z.object({
  step: z.int().min(0),
  values: z.record(z.string(), finiteNumber),
});
export type Intermediate = z.infer<typeof intermediateSchema>;

const outcomeFields = {
  trialId: z.int().min(0),
  attempt: z.int().min(1),
  /** The training process's time. */
  durationMs: z.number().min(0),
  /**
   * The runner's time for it: the process plus what surrounds it (checkout,
   * setup, downloads), its share of its job's when a job runs several. Absent
   * in states from before it was recorded.
   */
  runnerMs: z.number().min(0).optional(),
  exitCode: z.int().nullable(),
  signal: z.string().nullable().default(null),
  metrics: z.record(z.string(), finiteNumber).default({}),
  intermediate: z.array(intermediateSchema).default([]),
  logTail: z.string().default(""),
  runner: z.string().optional(),
  /** Where the attempt's log can be read (the trial job's page on GitHub). */
  jobUrl: z.string().optional(),
  /** The workflow run that ran it, where its checkpoint artifact can be found. */
  runId: z.int().optional(),
  /** With repeats or folds: which member of the trial (repeat × folds + fold) this is. */
  member: z.int().min(0).optional(),
  finishedAt: z.string().optional(),
};

/** One finished attempt of a trial. A success always has its objective value. */
export const attemptSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("succeeded"), value: finiteNumber, ...outcomeFields }),
  z.object({ status: z.literal("failed"), reason: z.string(), ...outcomeFields }),
  z.object({ status: z.literal("pruned"), reason: z.string(), value: finiteNumber.optional(), ...outcomeFields }),
]);
export type Attempt = z.infer<typeof attemptSchema>;

export const TRIAL_STATUSES = ["pending", "running", "succeeded", "failed", "pruned"] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

export const trialSchema = z.object({
  id: z.int().min(0),
  round: z.int().min(1),
  params: z.record(z.string(), scalar),
  /** The resource (e.g. epochs) it trains with, when the config has one. */
  resource: z.number().positive().optional(),
  /** The trial whose configuration (and checkpoint) this one continues with a larger resource. */
  parent: z.int().min(0).optional(),
  /**
   * What the strategy that placed the trial keeps about it (hyperband: its
   * bracket and rung), under the strategy's name; only that strategy reads it.
   */
  strategyData: z.record(z.string(), z.unknown()).optional(),
  /**
   * A commit other than the study's to run on: the base branch's, where the
   * config's defaults run so that a pull request has something to compare
   * with. Such a trial is a reference, not part of the search.
   */
  ref: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  /** pending/running: the next attempt has not finished; otherwise the last attempt's status
   * (with repeats or folds: pruned if any member was, else succeeded if any member did, else failed). */
  status: z.enum(TRIAL_STATUSES),
  attempts: z.array(attemptSchema),
});
export type Trial = z.infer<typeof trialSchema>;

export const STOP_CODES = [
  "max_trials",
  "max_rounds",
  "target_reached",
  "patience",
  "max_failures",
  "exhausted",
  "stopped",
  "max_runner_minutes",
  "max_duration",
] as const;
export type StopCode = (typeof STOP_CODES)[number];

export const stopSchema = z.object({ code: z.enum(STOP_CODES), message: z.string() });
export type Stop = z.infer<typeof stopSchema>;

/** A trial about to be created: its configuration, and what its strategy keeps about it (or which commit it runs on). */
export type NewTrial = Pick<Trial, "params" | "resource" | "parent" | "strategyData" | "ref">;
