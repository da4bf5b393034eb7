/**
 * Parameter effects: which parameters mattered in this study. For numbers, the
 * Spearman rank correlation between the parameter and the objective (robust to
 * log scales and outliers); for categories, the mean and best value per choice.
 * Shown only with enough trials to say anything.
 */
import type { Config } from "../config/schema.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialValue } from "../protocol/trial-value.ts";
import type { Study } from "../study/schema.ts";
import { searchTrials } from "../study/study.ts";
import { mean } from "../util/mean.ts";
import { fmtNumber, fmtScalar } from "./format.ts";

const MIN_TRIALS = 5;

export interface Effect {
  name: string;
  /** From -1 to 1: positive means larger values gave a better objective. */
  strength: number;
  text: string;
}

function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mx = mean(rx);
  const my = mean(ry);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - mx) * (ry[i]! - my);
    dx += (rx[i]! - mx) ** 2;
    dy += (ry[i]! - my) ** 2;
  }
  return dx > 0 && dy > 0 ? num / Math.sqrt(dx * dy) : 0;
}

/**
 * The finished search trials whose values can be compared: with hyperband,
 * those of the one resource most of them ran at (a value after 1 epoch and one
 * after 27 say different things), else all of them.
 */
function comparableTrials(study: Study): { params: Trial["params"]; value: number; resource?: number }[] {
  const done = searchTrials(study).flatMap((t) => {
    const v = trialValue(t);
    return v === undefined ? [] : [{ params: t.params, value: v, resource: t.resource }];
  });
  const counts = new Map<number | undefined, number>();
  for (const d of done) counts.set(d.resource, (counts.get(d.resource) ?? 0) + 1);
  if (counts.size < 2) return done;
  const [level] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (b[0] ?? 0) - (a[0] ?? 0))[0]!;
  return done.filter((d) => d.resource === level);
}

export function parameterEffects(config: Config, study: Study): Effect[] {
  const sign = config.objective[0].goal === "maximize" ? 1 : -1;
  const done = comparableTrials(study);
  const at =
    config.resource && new Set(searchTrials(study).map((t) => t.resource)).size > 1 && done[0]
      ? ` at ${config.resource.name} ${done[0].resource}`
      : "";
  const effects: Effect[] = [];
  for (const [name, p] of Object.entries(config.parameters)) {
    if (p.type === "constant") continue;
    const rows = done.filter((d) => name in d.params);
    if (rows.length < MIN_TRIALS) continue;
    if (p.type === "categorical") {
      const groups = new Map<string, number[]>();
      for (const r of rows) {
        const key = fmtScalar(r.params[name]);
        groups.set(key, [...(groups.get(key) ?? []), r.value]);
      }
      if (groups.size < 2) continue;
      const stats = [...groups.entries()].map(([k, vs]) => ({
        k,
        mean: mean(vs),
        n: vs.length,
      }));
      stats.sort((a, b) => sign * (b.mean - a.mean));
      const spread = Math.abs(stats[0]!.mean - stats[stats.length - 1]!.mean);
      const all = rows.map((r) => r.value);
      const range = Math.max(...all) - Math.min(...all);
      effects.push({
        name,
        strength: range > 0 ? spread / range : 0,
        text: `${stats.map((s) => `${s.k}: mean ${fmtNumber(s.mean)} (${s.n})`).join(" · ")}${at}`,
      });
    } else {
      const rho = spearman(
        rows.map((r) => Number(r.params[name])),
        rows.map((r) => r.value),
      );
      const better = sign * rho;
      const words = Math.abs(rho) < 0.2 ? "little effect" : better > 0 ? "higher is better" : "lower is better";
      effects.push({
        name,
        strength: better,
        text: `${words} (rank correlation ${fmtNumber(rho, 2)}, ${rows.length} trials${at})`,
      });
    }
  }
  return effects.sort((a, b) => Math.abs(b.strength) - Math.abs(a.strength));
}
