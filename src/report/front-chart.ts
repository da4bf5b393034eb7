/**
 * Pictures of a multi-objective study: where the trials lie in the first two
 * objectives (a mermaid `quadrantChart`, the one GitHub chart that places
 * points in two dimensions), and how the front's hypervolume grew, trial by
 * trial — the multi-objective "best so far".
 */

import type { Config } from "../config/schema.ts";
import { dominates, type Point } from "../pareto/dominance.ts";
import { hypervolumeImprovement } from "../pareto/hypervolume.ts";
import { boxOf, boxVolume } from "../pareto/reference.ts";
import { isFeasible, scoreTrial } from "../pareto/scores.ts";
import type { Study } from "../study/schema.ts";
import { searchTrials } from "../study/study.ts";
import { thin } from "./chart.ts";
import { fmtNumber } from "./format.ts";
import type { FrontView } from "./front.ts";

/** Dominated trials drawn at most: beyond this they hide the front rather than show the cloud around it. */
export const MAX_DOMINATED_POINTS = 60;

/**
 * Text for a quoted mermaid string: its lexer ends a string at `"`, reads one
 * opening with a backtick as markdown, and a backtick run would end the
 * markdown code fence around the chart; a line break would end the statement.
 */
export function mermaidText(text: string): string {
  return text.replace(/["`]/g, "'").replace(/[\s;#%<>]+/g, " ");
}

/**
 * The trials in the plane of the first two objectives: the front's trials
 * labelled by id (★ the chosen one), the other feasible trials small and grey.
 * quadrantChart takes coordinates in [0, 1] only, so each axis is the
 * metric's range over the drawn trials, written in its labels.
 */
export function mermaidFront(config: Pick<Config, "objective">, view: FrontView): string | undefined {
  if (view.front.length === 0) return undefined;
  const onFront = new Set(view.front);
  const dominated = thin(
    view.scored.filter((s) => isFeasible(s) && !onFront.has(s)),
    MAX_DOMINATED_POINTS,
  );
  const drawn = [...view.front, ...dominated];
  const axes = [0, 1].map((m) => {
    const values = drawn.map((s) => s.values[m]!);
    return { lo: Math.min(...values), hi: Math.max(...values) };
  });
  const at = (v: number, m: number) => {
    const { lo, hi } = axes[m]!;
    return coordinate(hi > lo ? (v - lo) / (hi - lo) : 0.5);
  };
  const axis = (m: number, name: "x-axis" | "y-axis") => {
    const o = config.objective[m]!;
    const { lo, hi } = axes[m]!;
    const better = o.goal === "minimize" ? "lower is better" : "higher is better";
    return `  ${name} "${mermaidText(`${o.metric} ${fmtNumber(lo)}`)}" --> "${mermaidText(`${fmtNumber(hi)} (${better})`)}"`;
  };
  const point = (label: string, values: readonly number[], style = "") =>
    `  "${label}": [${at(values[0]!, 0)}, ${at(values[1]!, 1)}]${style}`;
  const [x, y] = config.objective;
  return [
    "```mermaid",
    "quadrantChart",
    // The title runs to the end of its line, quotes and all: it is the one text left unquoted.
    `  title ${mermaidText(`${x.metric} and ${y!.metric}: the front (★ chosen) and the other feasible trials`)}`,
    axis(0, "x-axis"),
    axis(1, "y-axis"),
    ...dominated.map((s) => point(String(s.trial.id), s.values, " radius: 3, color: #9e9e9e")),
    ...view.front.map((s) => point(s === view.chosen ? `${s.trial.id} ★` : String(s.trial.id), s.values)),
    "```",
  ].join("\n");
}

/** A coordinate as quadrantChart's lexer reads one: `0`, `1`, or `0.` and digits. */
function coordinate(t: number): string {
  return t >= 0.9995 ? "1" : t.toFixed(3);
}

/**
 * The feasible front's hypervolume after each search trial, in trial order
 * (undefined until a feasible trial has a result), as a share of the box
 * from the best value of each objective over the feasible trials to their
 * worst plus 10% of the range (see src/pareto/reference.ts): 1 would be one
 * trial best in every objective at once.
 */
export function hypervolumeSoFar(
  config: Pick<Config, "objective" | "constraints">,
  study: Study,
): (number | undefined)[] {
  const losses = searchTrials(study).map((t) => {
    const s = scoreTrial(config, t);
    return s && isFeasible(s) ? s.loss : undefined;
  });
  const feasible = losses.filter((l): l is readonly number[] => l !== undefined);
  if (feasible.length === 0) return losses.map(() => undefined);
  const box = boxOf(feasible);
  const volume = boxVolume(box);
  let front: Point[] = [];
  let share: number | undefined;
  return losses.map((l) => {
    if (l === undefined) return share;
    share = (share ?? 0) + hypervolumeImprovement(l, front, box.ref) / volume;
    if (!front.some((p) => dominates(p, l) || p.every((v, i) => v === l[i])))
      front = [...front.filter((p) => !dominates(l, p)), l];
    return share;
  });
}
