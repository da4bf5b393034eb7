/**
 * What the study cost in runner time, as one line for every report and a
 * small table per round for markdown: compact, because it sits above the
 * results a reviewer came for.
 */
import type { Config } from "../config/schema.ts";
import { type Cost, outsideShare, studyCost } from "../study/cost.ts";
import type { Study } from "../study/schema.ts";
import { fmtDuration } from "./format.ts";
import { mdTable } from "./md-table.ts";

const minutes = (ms: number) => (ms / 60_000).toFixed(1);
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The study's cost, or undefined for a study that neither measured runner time nor has a runner budget or price. */
function shownCost(config: Config, study: Study): Cost | undefined {
  const cost = studyCost(config, study);
  return cost.measuredMs > 0 || cost.cap || cost.price ? cost : undefined;
}

const amount = (cost: Cost, ms: number) => ((ms / 60_000) * cost.price!.perMinute).toFixed(2);
const money = (cost: Cost, ms: number) => `${amount(cost, ms)} ${cost.price!.currency}`;

/**
 * `Runner time: 40.0 runner-min, 20% outside the training process, 5.0 per
 * trial · forecast: 4 more trials ≈ 20.0 runner-min in 1 round · budget 60,
 * 20.0 left · ≈ 2.80 USD so far, ≈ 1.40 USD to go`
 */
export function costLine(config: Config, study: Study): string | undefined {
  const cost = shownCost(config, study);
  if (!cost) return undefined;
  const spent = [`${minutes(cost.runnerMs)} runner-min`];
  if (cost.outsideShare !== undefined) spent.push(`${percent(cost.outsideShare)} outside the training process`);
  // A trial of seconds (a local study) reads better as a duration than as 0.0 minutes.
  if (cost.trialMs !== undefined) spent.push(`${fmtDuration(cost.trialMs)} per trial`);
  const parts = [`Runner time: ${spent.join(", ")}`];
  const f = cost.forecast;
  if (f)
    parts.push(
      `forecast: ${f.trials} more trial${f.trials === 1 ? "" : "s"} ≈ ${minutes(f.runnerMs)} runner-min in ${f.rounds} round${f.rounds === 1 ? "" : "s"}`,
    );
  if (cost.cap) parts.push(`budget ${minutes(cost.cap.runnerMs)}, ${minutes(cost.cap.leftMs)} left`);
  if (cost.price)
    parts.push(`≈ ${money(cost, cost.runnerMs)} so far${f ? `, ≈ ${money(cost, f.runnerMs)} to go` : ""}`);
  return `${parts.join(" · ")}.`;
}

/** The line, with a table of the rounds under it once there is more than one. */
export function costSection(config: Config, study: Study): string | undefined {
  const line = costLine(config, study);
  const cost = shownCost(config, study);
  if (!line || !cost || cost.rounds.length < 2) return line;
  const head = ["round", "runner-min", "outside training", ...(cost.price ? [cost.price.currency] : [])];
  const rows = cost.rounds.map((r) => {
    const share = outsideShare(r);
    return [
      String(r.round),
      minutes(r.runnerMs),
      share === undefined ? "–" : percent(share),
      ...(cost.price ? [amount(cost, r.runnerMs)] : []),
    ];
  });
  return `${line}\n\n<details><summary>Runner time per round</summary>\n\n${mdTable([head, ...rows])}\n\n</details>`;
}
