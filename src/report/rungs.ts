/**
 * hyperband as it ran: per bracket and rung, the resource, how many trials ran
 * of those the schedule plans, which of them went on to the next rung, and the
 * best value there. Read from the trials alone (each records its parent, and
 * hyperband's placement its bracket and rung), like the schedule itself.
 */

import type { Config } from "../config/schema.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialValue } from "../protocol/trial-value.ts";
import { bracketAt, hyperbandBrackets } from "../strategy/hyperband/brackets.ts";
import { placementOf } from "../strategy/hyperband/placement.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { fmtNumber } from "./format.ts";
import { mdTable } from "./md-table.ts";

/** "b0·r1": short enough for a table column on every row. */
export function rungLabel(trial: Trial): string {
  const place = placementOf(trial);
  return place ? `b${place.bracket}·r${place.rung}` : "";
}

export interface RungSummary {
  bracket: number;
  rung: number;
  resource: number;
  /** Trials the schedule gives this rung (fewer run when trials below it failed). */
  planned: number;
  trials: Trial[];
  /** Trials of this rung that the next rung continues, in the order it took them (best first). */
  promoted: number[];
  /** The bracket's last rung, whose trials nothing continues. */
  final: boolean;
  best?: Trial;
}

/** The study's hyperband trials by bracket and rung, in order. */
export function rungSummaries(config: Config, study: Study): RungSummary[] {
  if (!config.resource) return [];
  const layout = hyperbandBrackets(config.resource);
  const groups = new Map<string, Trial[]>();
  for (const t of study.trials) {
    const place = placementOf(t);
    if (!place) continue;
    const key = `${place.bracket}/${place.rung}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const continued = new Map<number, number[]>();
  for (const t of study.trials)
    if (t.parent !== undefined) continued.set(t.parent, [...(continued.get(t.parent) ?? []), t.id]);
  const out: RungSummary[] = [];
  for (const [key, trials] of groups) {
    const [bracket, rung] = key.split("/").map(Number) as [number, number];
    const promoted = trials.filter((t) => continued.has(t.id));
    // The next rung's trials are created best first: its order is the promotion order.
    promoted.sort((a, b) => continued.get(a.id)![0]! - continued.get(b.id)![0]!);
    const best = bestTrial(config, { ...study, trials });
    const shape = bracketAt(layout, bracket).rungs;
    out.push({
      bracket,
      rung,
      resource: trials[0]!.resource ?? shape[rung]!.resource,
      planned: shape[rung]?.size ?? trials.length,
      trials,
      promoted: promoted.map((t) => t.id),
      final: rung === shape.length - 1,
      ...(best ? { best } : {}),
    });
  }
  return out.sort((a, b) => a.bracket - b.bracket || a.rung - b.rung);
}

const MAX_IDS = 8;

/** The "Rungs" section, or undefined for a study without hyperband trials. */
export function rungsSection(config: Config, study: Study): string | undefined {
  const rungs = rungSummaries(config, study);
  if (rungs.length === 0 || !config.resource) return undefined;
  const { name, eta } = config.resource;
  const rows = rungs.map((r) => {
    const unfinished = r.trials.filter((t) => t.status === "pending" || t.status === "running").length;
    return [
      String(r.bracket),
      String(r.rung),
      fmtNumber(r.resource),
      `${r.trials.length}/${r.planned}${unfinished ? ` (${unfinished} running)` : ""}`,
      r.final ? "–" : idList(r.promoted) || (study.stop ? "none" : "not yet"),
      r.best ? `${fmtNumber(trialValue(r.best)!)} (trial ${r.best.id})` : "–",
    ];
  });
  const table = mdTable([["bracket", "rung", name, "trials", "promoted", "best"], ...rows], {
    align: ["r", "r", "r", "r", "l", "l"],
    alignDelimiters: false,
  });
  return `### Rungs\n\nhyperband, η = ${eta}: each rung continues the best 1/${eta} of its trials with ${eta}× the ${name}.\n\n${table}`;
}

function idList(ids: readonly number[]): string {
  const shown = ids.slice(0, MAX_IDS).join(", ");
  return ids.length > MAX_IDS ? `${shown}, … (+${ids.length - MAX_IDS})` : shown;
}
