/**
 * How the study went: each trial's result in the order trials ran, and the
 * best so far (with several objectives, the share of the front's
 * hypervolume); with several objectives also the trials in the plane of the
 * first two, the front marked.
 */
import type { PageModel, PageTrial } from "../../report/page-model.ts";
import { COLORS, chart, countAxis, tooltip, WIDE_GRID, wideFrame } from "./charts.ts";
import { el, fmt, section } from "./dom.ts";
import { goalText, type Part, withValue } from "./part.ts";

export function historyPart(model: PageModel): Part {
  const several = model.objectives.length > 1;
  // An empty chart would look like a drawing that failed.
  if (model.history.points.every(([, v]) => v === null))
    return {
      node: section(
        "history",
        "Optimisation history",
        "No trial has a result yet: the charts appear once one does. The table below says what happened to each trial.",
      ),
    };
  const box = el("div", { class: "chart" });
  const intro = several
    ? "The share of the objective space the feasible front covers after each trial (see the front below)."
    : `Each trial's ${goalText(model)}, and the best so far.`;
  return {
    node: section("history", "Optimisation history", intro, box),
    draw: [() => chart(box, several ? hypervolumeOption(model) : bestOption(model))],
  };
}

function bestOption(model: PageModel) {
  const metric = model.objectives[0]!.metric;
  const trials = withValue(model);
  const point = (t: PageTrial) => ({
    value: [t.id, t.values[0]],
    trial: t,
    itemStyle: { color: t.best ? COLORS.best : t.feasible ? COLORS.accent : COLORS.bad },
    symbolSize: t.best ? 12 : 6,
  });
  return {
    ...wideFrame((p: { data: { trial?: PageTrial; value: number[] }; seriesName: string }) =>
      p.data.trial
        ? tooltip(`trial ${p.data.trial.id}`, [[metric, fmt(p.data.trial.values[0])], ...paramLines(p.data.trial)])
        : tooltip("best so far", [[`after trial ${p.data.value[0]}`, fmt(p.data.value[1])]]),
    ),
    xAxis: countAxis("trial"),
    yAxis: { type: "value", name: metric, scale: true },
    series: [
      { name: "trial", type: "scatter", data: trials.map(point), large: trials.length > 2000 },
      {
        name: "best so far",
        type: "line",
        // Under the cursor it would hide the trial points it passes through.
        silent: true,
        step: "end",
        symbol: "none",
        color: COLORS.good,
        data: model.history.points.filter(([, v]) => v !== null).map(([id, v]) => ({ value: [id, v] })),
      },
    ],
  };
}

function hypervolumeOption(model: PageModel) {
  return {
    grid: WIDE_GRID,
    tooltip: {
      trigger: "item",
      formatter: (p: { value: number[] }) => tooltip(`after trial ${p.value[0]}`, [["hypervolume", fmt(p.value[1])]]),
    },
    xAxis: countAxis("trial"),
    yAxis: { type: "value", name: "hypervolume share", min: 0 },
    series: [
      {
        name: "hypervolume",
        type: "line",
        step: "end",
        color: COLORS.good,
        data: model.history.points.filter(([, v]) => v !== null).map(([id, v]) => [id, v]),
      },
    ],
  };
}

export function paramLines(t: PageTrial): [string, string][] {
  return Object.entries(t.params).map(([k, v]) => [k, fmt(v)]);
}

/** The first two objectives, trial by trial: the front, the other feasible trials, and those a constraint ruled out. */
export function frontPart(model: PageModel): Part | null {
  if (model.objectives.length < 2) return null;
  const box = el("div", { class: "chart" });
  const [a, b] = [0, 1].map((k) => model.objectives[k]!);
  const trials = model.trials.filter((t) => !t.reference && t.values[0] !== null && t.values[1] !== null);
  const group = (name: string, keep: (t: PageTrial) => boolean, color: string, size: number) => ({
    name,
    type: "scatter",
    color,
    symbolSize: size,
    data: trials.filter(keep).map((t) => ({ value: [t.values[0], t.values[1]], trial: t })),
  });
  const text =
    model.objectives.length > 2
      ? `The first two of ${model.objectives.length} objectives; the front is over all of them.`
      : `${goalText(model, 0)} against ${goalText(model, 1)}.`;
  return {
    node: section("front", "Pareto front", text, box),
    draw: [
      () =>
        chart(box, {
          ...wideFrame((p: { data: { trial: PageTrial } }) =>
            tooltip(`trial ${p.data.trial.id}`, [
              ...model.objectives.map((o, k): [string, string] => [o.metric, fmt(p.data.trial.values[k])]),
              ...paramLines(p.data.trial),
            ]),
          ),
          xAxis: { type: "value", name: a!.metric, nameLocation: "middle", nameGap: 28, scale: true },
          yAxis: { type: "value", name: b!.metric, scale: true },
          series: [
            group("dominated", (t) => t.feasible && !t.front, COLORS.muted, 6),
            group("infeasible", (t) => !t.feasible, COLORS.bad, 6),
            group("front", (t) => t.front && !t.best, COLORS.accent, 10),
            group("chosen", (t) => t.best, COLORS.best, 14),
          ],
        }),
    ],
  };
}
