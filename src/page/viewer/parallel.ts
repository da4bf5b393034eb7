/**
 * Parallel coordinates: a line per trial through every parameter and the
 * first objective, colored by the objective (darker is better). Dragging
 * along an axis selects a range of it.
 */
import type { PageModel } from "../../report/page-model.ts";
import { chart, SCALE } from "./charts.ts";
import { el, section } from "./dom.ts";
import { goalText, type Part, paramAxis, withValue } from "./part.ts";

export function parallelPart(model: PageModel): Part | null {
  const trials = withValue(model);
  if (trials.length === 0 || model.parameters.length === 0) return null;
  const box = el("div", { class: "chart tall" });
  const objective = model.objectives[0]!;
  const values = trials.map((t) => t.values[0]!);
  const dims = model.parameters.length;
  return {
    node: section(
      "parallel",
      "Parallel coordinates",
      `A line per trial through its parameters to its ${goalText(model)}; darker is better. Drag along an axis to pick a range.`,
      box,
    ),
    draw: [
      () =>
        chart(box, {
          parallel: { left: 60, right: 110, top: 40, bottom: 30 },
          parallelAxis: [
            ...model.parameters.map((a, i) => ({ dim: i, name: a.name, ...paramAxis(a) })),
            { dim: dims, name: objective.metric, type: "value", scale: true },
          ],
          visualMap: {
            type: "continuous",
            dimension: dims,
            min: Math.min(...values),
            max: Math.max(...values),
            inRange: { color: objective.goal === "minimize" ? [...SCALE].reverse() : SCALE },
            right: 0,
            top: "middle",
            calculable: true,
            text: [
              objective.goal === "minimize" ? "worse" : "better",
              objective.goal === "minimize" ? "better" : "worse",
            ],
          },
          series: [
            {
              type: "parallel",
              lineStyle: { width: 1, opacity: 0.6 },
              progressive: 500,
              data: trials.map((t) => [...model.parameters.map((a) => t.params[a.name] ?? "-"), t.values[0]]),
            },
          ],
        }),
    ],
  };
}
