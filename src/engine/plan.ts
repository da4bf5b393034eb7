/**
 * The engine: (config, study) → the next round to run, or done with the reason.
 * Pure and seeded; every shell (local processes, the Action's matrix jobs) asks
 * it the same question and gets the same answer.
 */
import type { Config } from "../config/schema.ts";
import type { Run } from "../protocol/run.ts";
import type { NewTrial, Stop, Trial } from "../protocol/trial.ts";
import { willRetry } from "../protocol/trial-value.ts";
import { buildSpace, defaultParams, type Params, type Space } from "../space/space.ts";
import { strategyFor } from "../strategy/registry.ts";
import { atFullResource } from "../strategy/strategy.ts";
import { completion } from "../study/completion.ts";
import { affordableTrials } from "../study/cost.ts";
import type { Study } from "../study/schema.ts";
import { openRound, searchTrials, unfinishedRuns, withStop } from "../study/study.ts";
import { rerunConfigs } from "../study/warm-start.ts";

export type Plan =
  /** `resumed`: the runs of the last round that never finished (interrupted or cancelled). */
  /** `note`: what the strategy says about how it chose this round, when anything. */
  | { kind: "round"; study: Study; round: number; runs: Run[]; resumed: boolean; note?: string }
  | { kind: "done"; study: Study; stop: Stop };

/** `now`: the shell's clock (ms since the epoch), for budget.max_duration; the engine reads none. */
export function planRound(config: Config, study: Study, now?: number): Plan {
  const unfinished = unfinishedRuns(study);
  if (unfinished.length > 0)
    return {
      kind: "round",
      study: withStop(study, undefined),
      round: study.rounds.length,
      runs: unfinished,
      resumed: true,
    };

  const stop = completion(config, study, now);
  if (stop) return { kind: "done", study: withStop(study, stop), stop };

  const { max_trials, retries } = config.budget;
  // A round that budget.max_runner_minutes would not pay for whole runs fewer trials.
  const parallel = Math.min(config.budget.parallel, affordableTrials(config, study) ?? Number.POSITIVE_INFINITY);
  const retry = study.trials
    .filter((t) => willRetry(t, retries))
    .slice(0, parallel)
    .map((t) => t.id);
  // Strategies see the search alone: a reference run on another commit says nothing about this code.
  const search = { ...study, trials: searchTrials(study) };
  const room = Math.max(0, Math.min(parallel - retry.length, max_trials - search.trials.length));
  const space = buildSpace(config.parameters);
  const defaults = baselineFirst(config, study, space, room);
  const reruns = warmReruns(config, study, defaults, room - defaults.length);
  const enqueued = [...defaults, ...reruns].map((params) => atFullResource(config, params));
  const prior = study.warmStart?.trials;
  const chosen = strategyFor(config.strategy).plan({
    config,
    space,
    trials: withTrials(search, enqueued).trials,
    room: room - enqueued.length,
    ...(prior?.length ? { prior } : {}),
  });
  const fresh = [...enqueued, ...chosen.fresh];
  const note = chosen.note;
  if (fresh.length === 0 && retry.length === 0) {
    const exhausted: Stop = chosen.stop ?? {
      code: "exhausted",
      message: `the search space has no untried configuration left after ${study.trials.length} trials`,
    };
    return { kind: "done", study: withStop(study, exhausted), stop: exhausted };
  }
  const opened = openRound(withStop(study, undefined), fresh, retry);
  const reran = reruns.map((_, i) => study.trials.length + defaults.length + i);
  return {
    kind: "round",
    study: reran.length ? withReran(opened.study, reran) : opened.study,
    round: opened.study.rounds.length,
    runs: opened.runs,
    resumed: false,
    ...(note ? { note } : {}),
  };
}

/** The study as if `extra` were already pending, so that no strategy proposes them again. */
function withTrials(study: Study, extra: readonly NewTrial[]): Study {
  const pending = extra.map(
    (t, i): Trial => ({
      ...t,
      id: study.trials.length + i,
      round: study.rounds.length + 1,
      status: "pending",
      attempts: [],
    }),
  );
  return { ...study, trials: [...study.trials, ...pending] };
}

/**
 * A warm-started study's first trials re-run the best of the other study's
 * configurations (`warm_start.rerun` of them, after the baseline; over several
 * rounds when a round holds fewer): the pull request gets a like-for-like pair,
 * and the search starts where the other ended. Only until the strategy's own
 * picks begin, so a re-run never comes between them.
 */
function warmReruns(config: Config, study: Study, taken: readonly Params[], room: number): Params[] {
  const warm = study.warmStart;
  if (!warm) return [];
  const search = searchTrials(study);
  const reran = new Set(warm.reran);
  const others = search.slice(config.baseline ? 1 : 0).filter((t) => !reran.has(t.id));
  const left = config.warm_start.rerun - reran.size;
  if (others.length > 0 || left <= 0) return [];
  return rerunConfigs(warm, [...taken, ...search.map((t) => t.params)], Math.min(room, left));
}

function withReran(study: Study, reran: readonly number[]): Study {
  const warm = study.warmStart;
  return warm ? { ...study, warmStart: { ...warm, reran: [...warm.reran, ...reran] } } : study;
}

/** With `baseline: true`, the first trial of a study is the configuration of defaults. */
function baselineFirst(config: Config, study: Study, space: Space, count: number): Params[] {
  if (!config.baseline || searchTrials(study).length > 0 || count === 0) return [];
  const defaults = defaultParams(space);
  return defaults.ok ? [defaults.params] : [];
}
