/**
 * Synchronous successive halving across rounds. Where each bracket stands is
 * read from the study alone (every trial records its bracket and rung), so the
 * plan of the next round needs no state of its own: a rung that has finished
 * promotes its best trials to the next rung, a rung not yet fully started gets
 * more trials, and free slots open new brackets, so several brackets run side
 * by side in one matrix.
 */
import type { Config, Resource } from "../../config/schema.ts";
import type { Trial } from "../../study/schema.ts";
import { isBetter, type NewTrial, trialValue, willRetry } from "../../study/study.ts";
import { type Bracket, bracketAt, hyperbandBrackets } from "./brackets.ts";

/** A new configuration the sampler must choose, and where it goes. */
export type Slot = Omit<NewTrial, "params">;

export interface Schedule {
  /** Trials continuing a configuration at a larger resource, best first. */
  promoted: NewTrial[];
  /** First-rung places for new configurations. */
  slots: Slot[];
}

/** Up to `room` trials for the next round. */
export function scheduleRound(config: Config, trials: readonly Trial[], room: number): Schedule {
  const resource = hyperbandResource(config);
  const layout = hyperbandBrackets(resource);
  const byBracket = new Map<number, Trial[][]>();
  for (const t of trials) {
    if (t.bracket === undefined || t.rung === undefined) continue;
    const rungs = byBracket.get(t.bracket) ?? [];
    rungs[t.rung] = [...(rungs[t.rung] ?? []), t];
    byBracket.set(t.bracket, rungs);
  }
  const out: Schedule = { promoted: [], slots: [] };
  let left = room;
  const opened = byBracket.size === 0 ? -1 : Math.max(...byBracket.keys());
  for (let k = 0; left > 0; k++) {
    const bracket = bracketAt(layout, k);
    const rungs = byBracket.get(k) ?? [];
    if (k > opened) {
      // A new bracket: its first rung, as far as the room goes.
      const n = Math.min(left, bracket.rungs[0]!.size);
      for (let j = 0; j < n; j++) out.slots.push(placeIn(k, bracket, 0));
      left -= n;
      continue;
    }
    const next = nextInBracket(config, bracket, k, rungs);
    const take = next.slice(0, left);
    for (const t of take) ("params" in t ? out.promoted : out.slots).push(t);
    left -= take.length;
  }
  return out;
}

export function hyperbandResource(config: Config): Resource {
  if (!config.resource)
    throw new Error(
      "strategy hyperband needs a resource to spend in rungs: add `resource: {name: epochs, min: 1, max: 27, eta: 3}` to the config",
    );
  return config.resource;
}

function placeIn(k: number, bracket: Bracket, rung: number): Slot {
  return { bracket: k, rung, resource: bracket.rungs[rung]!.resource };
}

/** What bracket k can start now: the rest of its current rung, or the next rung once this one is done. */
function nextInBracket(config: Config, bracket: Bracket, k: number, rungs: readonly Trial[][]): (NewTrial | Slot)[] {
  const i = rungs.length - 1;
  const current = rungs[i] ?? [];
  const target = i === 0 ? bracket.rungs[0]!.size : promotedFrom(config, bracket, rungs[i - 1]!, i).length;
  if (current.length < target) {
    if (i === 0) return Array.from({ length: target - current.length }, () => placeIn(k, bracket, 0));
    const started = new Set(current.map((t) => t.parent));
    return promotedFrom(config, bracket, rungs[i - 1]!, i)
      .filter((t) => !started.has(t.id))
      .map((t) => promotion(t, k, bracket, i));
  }
  if (i + 1 >= bracket.rungs.length || !rungDone(config, current)) return [];
  return promotedFrom(config, bracket, current, i + 1).map((t) => promotion(t, k, bracket, i + 1));
}

function promotion(parent: Trial, k: number, bracket: Bracket, rung: number): NewTrial {
  return { params: parent.params, ...placeIn(k, bracket, rung), parent: parent.id };
}

/** Every trial of the rung has its final result: succeeded, pruned, or failed with no retry left. */
function rungDone(config: Config, rung: readonly Trial[]): boolean {
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
 */
export function promotedFrom(config: Config, bracket: Bracket, below: readonly Trial[], rung: number): Trial[] {
  const goal = config.objective.goal;
  const ranked = below
    .flatMap((t) => {
      const v = trialValue(t);
      return v === undefined ? [] : [{ t, v }];
    })
    .sort((a, b) => (isBetter(goal, a.v, b.v) ? -1 : isBetter(goal, b.v, a.v) ? 1 : a.t.id - b.t.id));
  return ranked.slice(0, bracket.rungs[rung]!.size).map((r) => r.t);
}
