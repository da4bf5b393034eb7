/**
 * The engine: (config, study) → the next round to run, or done with the reason.
 * Pure and seeded; every shell (local processes, the Action's matrix jobs) asks
 * it the same question and gets the same answer.
 */
import type { Config } from "../config/schema.ts";
import { buildSpace, defaultParams, type Params, type Space } from "../space/space.ts";
import { strategyFor } from "../strategy/registry.ts";
import type { ProposeInput } from "../strategy/strategy.ts";
import { completion } from "../study/completion.ts";
import type { Stop, Study } from "../study/schema.ts";
import { openRound, type Run, unfinishedRuns, withStop } from "../study/study.ts";

export type Plan =
  /** `resumed`: the runs of the last round that never finished (interrupted or cancelled). */
  /** `note`: what the strategy says about how it chose this round, when anything. */
  | { kind: "round"; study: Study; round: number; runs: Run[]; resumed: boolean; note?: string }
  | { kind: "done"; study: Study; stop: Stop };

export function planRound(config: Config, study: Study): Plan {
  const unfinished = unfinishedRuns(study);
  if (unfinished.length > 0)
    return {
      kind: "round",
      study: withStop(study, undefined),
      round: study.rounds.length,
      runs: unfinished,
      resumed: true,
    };

  const stop = completion(config, study);
  if (stop) return { kind: "done", study: withStop(study, stop), stop };

  const { parallel, max_trials, retries } = config.budget;
  const retry = study.trials
    .filter((t) => t.status === "failed" && t.attempts.length <= retries)
    .slice(0, parallel)
    .map((t) => t.id);
  const count = Math.max(0, Math.min(parallel - retry.length, max_trials - study.trials.length));
  const space = buildSpace(config.parameters);
  const baseline = baselineFirst(config, study, space, count);
  const wanted = count - baseline.length;
  const strategy = strategyFor(config.strategy);
  const input: ProposeInput = {
    space,
    objective: config.objective,
    // The baseline is about to be tried: strategies must not propose it again.
    trials: [
      ...study.trials,
      ...baseline.map((params, i) => ({ id: -1 - i, round: 1, params, status: "pending" as const, attempts: [] })),
    ],
    count: wanted,
    seed: config.seed,
  };
  const fresh = [...baseline, ...(wanted > 0 ? strategy.propose(input) : [])];
  const note = wanted > 0 ? strategy.explain?.(input) : undefined;
  if (fresh.length === 0 && retry.length === 0) {
    const exhausted: Stop = {
      code: "exhausted",
      message: `the search space has no untried configuration left after ${study.trials.length} trials`,
    };
    return { kind: "done", study: withStop(study, exhausted), stop: exhausted };
  }
  const opened = openRound(withStop(study, undefined), fresh, retry);
  return {
    kind: "round",
    study: opened.study,
    round: opened.study.rounds.length,
    runs: opened.runs,
    resumed: false,
    ...(note ? { note } : {}),
  };
}

/** With `baseline: true`, the first trial of a study is the configuration of defaults. */
function baselineFirst(config: Config, study: Study, space: Space, count: number): Params[] {
  if (!config.baseline || study.trials.length > 0 || count === 0) return [];
  const defaults = defaultParams(space);
  return defaults.ok ? [defaults.params] : [];
}
