/**
 * Synchronous successive halving across rounds. Where each bracket stands is
 * read from the study alone (every trial records its bracket and rung in its
 * strategy data), so the
 * plan of the next round needs no state of its own: a rung that has finished
 * promotes its best trials to the next rung, a rung not yet fully started gets
 * more trials, and free slots open new brackets, so several brackets run side
 * by side in one matrix.
 */

import { bestFirst } from "../../pareto/order.ts";
import { scoreTrials } from "../../pareto/scores.ts";
import { isBetter } from "../../protocol/objective.ts";
import type { NewTrial, Trial } from "../../protocol/trial.ts";
import { trialValue, willRetry } from "../../protocol/trial-value.ts";
import type { Resource } from "../../space/resource.ts";
import type { StrategyConfig } from "../strategy.ts";
import { type Bracket, bracketAt, bracketTrials, hyperbandBrackets } from "./brackets.ts";
import { placedAt, placementOf } from "./placement.ts";

/** A new configuration the sampler must choose, and where it goes. */
export type Slot = Omit<NewTrial, "params">;

export interface Schedule {
  /** Trials continuing a configuration at a larger resource, best first. */
  promoted: NewTrial[];
  /** First-rung places for new configurations. */
  slots: Slot[];
  /** Set when the next bracket did not start because the budget left could not finish it. */
  short?: { left: number; need: number };
}

/**
 * Up to `room` trials for the next round. `unseen`: how many new configurations
 * the space can still give (unbounded unless the sampler has run out); a first
 * rung the space cannot fill any further counts as full with what it has.
 */
export function scheduleRound(
  config: StrategyConfig,
  trials: readonly Trial[],
  room: number,
  unseen = Number.POSITIVE_INFINITY,
): Schedule {
  const resource = hyperbandResource(config);
  const layout = hyperbandBrackets(resource);
  const byBracket = new Map<number, Trial[][]>();
  for (const t of trials) {
    const place = placementOf(t);
    if (!place) continue;
    const rungs = byBracket.get(place.bracket) ?? [];
    rungs[place.rung] = [...(rungs[place.rung] ?? []), t];
    byBracket.set(place.bracket, rungs);
  }
  const out: Schedule = { promoted: [], slots: [] };
  let left = room;
  let fresh = unseen;
  const opened = byBracket.size === 0 ? -1 : Math.max(...byBracket.keys());
  // The budget that open brackets will still need: a new bracket may not take
  // it, or a wide matrix would keep starting brackets and never finish one.
  let unclaimed = config.budget.max_trials - trials.length;
  for (const [k, rungs] of byBracket)
    unclaimed -= Math.max(0, bracketTrials(bracketAt(layout, k)) - rungs.reduce((n, r) => n + (r?.length ?? 0), 0));
  for (let k = 0; left > 0; k++) {
    const bracket = bracketAt(layout, k);
    const rungs = byBracket.get(k) ?? [];
    if (k > opened) {
      // A new bracket, if the budget can finish it (the study's first always
      // starts: a budget smaller than it still gets the most of it).
      if (unclaimed < bracketTrials(bracket) && !(k === 0 && opened === -1)) {
        out.short = { left: Math.max(0, unclaimed), need: bracketTrials(bracket) };
        break;
      }
      unclaimed -= bracketTrials(bracket);
      // Its first rung, as far as the room and the space go.
      const n = Math.min(left, bracket.rungs[0]!.size, fresh);
      if (n === 0) break;
      for (let j = 0; j < n; j++) out.slots.push(placeIn(k, bracket, 0));
      left -= n;
      fresh -= n;
      continue;
    }
    const next = nextInBracket(config, bracket, k, rungs, fresh);
    const take = next.slice(0, left);
    for (const t of take) ("params" in t ? out.promoted : out.slots).push(t);
    left -= take.length;
    fresh -= take.filter((t) => !("params" in t)).length;
  }
  return out;
}

export function hyperbandResource(config: Pick<StrategyConfig, "resource">): Resource {
  if (!config.resource)
    throw new Error(
      "strategy hyperband needs a resource to spend in rungs: add `resource: {name: epochs, min: 1, max: 27, eta: 3}` to the config",
    );
  return config.resource;
}

function placeIn(k: number, bracket: Bracket, rung: number): Slot {
  return { resource: bracket.rungs[rung]!.resource, ...placedAt(k, rung) };
}

/** What bracket k can start now: the rest of its current rung, or the next rung once this one is done. */
function nextInBracket(
  config: StrategyConfig,
  bracket: Bracket,
  k: number,
  rungs: readonly Trial[][],
  fresh: number,
): (NewTrial | Slot)[] {
  const i = rungs.length - 1;
  const current = rungs[i] ?? [];
  const first = rungs[0]!.length;
  const target =
    i === 0
      ? Math.min(bracket.rungs[0]!.size, current.length + fresh)
      : promotedFrom(config, bracket, rungs[i - 1]!, i, first).length;
  if (current.length < target) {
    if (i === 0) return Array.from({ length: target - current.length }, () => placeIn(k, bracket, 0));
    const started = new Set(current.map((t) => t.parent));
    return promotedFrom(config, bracket, rungs[i - 1]!, i, first)
      .filter((t) => !started.has(t.id))
      .map((t) => promotion(t, k, bracket, i));
  }
  if (i + 1 >= bracket.rungs.length || !rungDone(config, current)) return [];
  return promotedFrom(config, bracket, current, i + 1, first).map((t) => promotion(t, k, bracket, i + 1));
}

function promotion(parent: Trial, k: number, bracket: Bracket, rung: number): NewTrial {
  return { params: parent.params, ...placeIn(k, bracket, rung), parent: parent.id };
}

/** Every trial of the rung has its final result: succeeded, pruned, or failed with no retry left. */
function rungDone(config: StrategyConfig, rung: readonly Trial[]): boolean {
  return rung.every(
    (t) =>
      t.status === "succeeded" ||
      t.status === "pruned" ||
      (t.status === "failed" && !willRetry(t, config.budget.retries)),
  );
}

/**
 * The trials of `below` that rung `rung` continues: the best ⌊n·η^-i⌋ that
 * succeeded, ties to the earlier trial. A rung with failures promotes fewer.
 * `first`: how many configurations the bracket started with, fewer than its
 * size when the space ran out; the bracket then halves those, keeping at least
 * one, so it still reaches the full resource.
 */
export function promotedFrom(
  config: StrategyConfig,
  bracket: Bracket,
  below: readonly Trial[],
  rung: number,
  first = bracket.rungs[0]!.size,
): Trial[] {
  const size = Math.min(
    bracket.rungs[rung]!.size,
    Math.max(1, Math.floor(first / hyperbandResource(config).eta ** rung)),
  );
  return rankedForPromotion(config, below, size).slice(0, size);
}

/**
 * The rung's trials with a result, best first. With several objectives or
 * constraints: feasible ones first, by non-dominated rank, the rank that does
 * not fit whole by hypervolume contribution; then infeasible ones by
 * violation (src/pareto/order.ts). Hypervolume rather than crowding
 * distance: a rung promotes a handful, and crowding distance gives both ends
 * of a front an infinite score, so with two places it would always keep the
 * extremes, the trials best at one objective alone, over a trial that trades
 * both off; the hypervolume contribution weighs them, and is what tpe's good
 * group and the study's progress are judged by.
 */
function rankedForPromotion(config: StrategyConfig, below: readonly Trial[], size: number): Trial[] {
  if (config.objective.length === 1 && config.constraints.length === 0) {
    const goal = config.objective[0].goal;
    return below
      .flatMap((t) => {
        const v = trialValue(t);
        return v === undefined ? [] : [{ t, v }];
      })
      .sort((a, b) => (isBetter(goal, a.v, b.v) ? -1 : isBetter(goal, b.v, a.v) ? 1 : a.t.id - b.t.id))
      .map((r) => r.t);
  }
  const scored = scoreTrials(
    config,
    [...below].sort((a, b) => a.id - b.id),
  );
  return bestFirst(scored, size).map((i) => scored[i]!.trial);
}
