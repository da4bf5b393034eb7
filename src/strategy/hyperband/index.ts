/**
 * `strategy: hyperband` — the schedule decides which trials run at which
 * resource; the sampler fills first-rung places with new configurations
 * (sample.ts).
 */

import type { NewTrial, Stop } from "../../protocol/trial.ts";
import type { PlanInput, Strategy, StrategyConfig, StrategyPlan } from "../strategy.ts";
import { bracketTrials, hyperbandBrackets, iterationCost } from "./brackets.ts";
import { placementOf } from "./placement.ts";
import { newConfigurations } from "./sample.ts";
import { hyperbandResource, type Slot, scheduleRound } from "./schedule.ts";

export const hyperbandStrategy: Strategy = {
  summary: "successive halving in brackets: many configurations briefly, the best of them longer",
  needsResource: "to spend in rungs",
  usesSampler: true,
  stopsTrials: "at the end of each rung",
  batchInvariant: false,
  plan: hyperbandPlan,
};

function hyperbandPlan({ config, space, trials, room, prior }: PlanInput): StrategyPlan {
  let { promoted, slots, short } = scheduleRound(config, trials, room);
  const params = newConfigurations(config, space, trials, slots.length, prior);
  // Fewer than asked: the space has no other untried configuration. Planned again with only
  // these, first rungs the space cannot fill count as full, so their brackets go on.
  if (params.length < slots.length) ({ promoted, slots, short } = scheduleRound(config, trials, room, params.length));
  const fresh = [...promoted, ...slots.map((slot: Slot, i) => ({ ...slot, params: params[i]! }))];
  const notes: string[] = [];
  // Said when the first bracket opens, which is not the first round when a baseline trial ran before it.
  if (slots.length > 0 && !trials.some((t) => placementOf(t) !== undefined)) notes.push(describeIteration(config));
  if (promoted.length > 0) notes.push(describePromotions(config, promoted));
  // Nothing to run and no room for another bracket: the budget is spent, as far as hyperband can use it.
  const stop: Stop | undefined =
    fresh.length === 0 && short
      ? {
          code: "max_trials",
          message: `the ${short.left} trials left in budget.max_trials cannot finish another hyperband bracket (the next needs ${short.need})`,
        }
      : undefined;
  return { fresh, ...(notes.length ? { note: notes.join("; ") } : {}), ...(stop ? { stop } : {}) };
}

function describeIteration(config: StrategyConfig): string {
  const r = hyperbandResource(config);
  const brackets = hyperbandBrackets(r);
  const cost = iterationCost(brackets);
  const shape = brackets.map((b) => `${b.rungs.map((rung) => `${rung.size}×${rung.resource}`).join("→")}`).join(", ");
  const layout = `hyperband with η=${r.eta}: ${brackets.length} brackets of (trials×${r.name}) ${shape}; one iteration is ${cost.trials} trials and ${cost.resource} ${r.name}`;
  const max = config.budget.max_trials;
  return max < cost.trials
    ? `${layout}. budget.max_trials (${max}) is less than one iteration, so ${max < bracketTrials(brackets[0]!) ? "even the first bracket is cut short" : "the later brackets will not run"}: set it to ${cost.trials} or more`
    : layout;
}

function describePromotions(config: StrategyConfig, promoted: readonly NewTrial[]): string {
  const name = hyperbandResource(config).name;
  const groups = new Map<string, number[]>();
  for (const p of promoted) {
    const place = placementOf(p)!;
    const key = `bracket ${place.bracket} rung ${place.rung} (${name} ${p.resource})`;
    groups.set(key, [...(groups.get(key) ?? []), p.parent!]);
  }
  return [...groups.entries()].map(([k, ids]) => `${k} continues trials ${ids.join(", ")}`).join("; ");
}
