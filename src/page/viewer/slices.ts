/**
 * One-dimensional slices: the first objective against each parameter on its
 * own, a chart each, colored by when the trial ran (later is darker), which
 * shows where a strategy went as well as what each value gave.
 */
import type { PageModel, PageTrial } from "../../report/page-model.ts";
import { chart, SCALE, tooltip } from "./charts.ts";
import { el, fmt, section } from "./dom.ts";
import { type Part, paramAxis, withValue } from "./part.ts";

export function slicesPart(model: PageModel): Part | null {
  const trials = withValue(model);
  if (trials.length === 0 || model.parameters.length === 0) return null;
  const metric = model.objectives[0]!.metric;
  const boxes = model.parameters.map(() => el("div", { class: "chart small" }));
  const lastId = Math.max(...trials.map((t) => t.id));
  return {
    node: section(
      "slices",
      "Slices",
      `${metric} against each parameter alone; later trials are darker.`,
      el("div", { class: "grid" }, ...boxes),
    ),
    draw: model.parameters.map((axis, i) => () => {
      const shown = trials.filter((t) => axis.name in t.params);
      chart(boxes[i]!, {
        title: { text: axis.name, textStyle: { fontSize: 13 }, left: "center" },
        grid: { left: 60, right: 15, top: 35, bottom: 30 },
        tooltip: {
          trigger: "item",
          formatter: (p: { data: PageTrialPoint }) =>
            tooltip(`trial ${p.data.trial.id}`, [
              [axis.name, fmt(p.data.trial.params[axis.name])],
              [metric, fmt(p.data.trial.values[0])],
            ]),
        },
        visualMap: { show: false, dimension: 2, min: 0, max: Math.max(1, lastId), inRange: { color: SCALE } },
        xAxis: paramAxis(axis),
        yAxis: { type: "value", scale: true },
        series: [
          {
            type: "scatter",
            symbolSize: 6,
            data: shown.map((t): PageTrialPoint => ({ value: [t.params[axis.name]!, t.values[0]!, t.id], trial: t })),
          },
        ],
      });
    }),
  };
}

interface PageTrialPoint {
  value: [number | string, number, number];
  trial: PageTrial;
}
