/**
 * Learning curves: the first objective at each step every trial reported,
 * those that ran to the end and those stopped early (pruned, or not promoted
 * past a hyperband rung) in two colors; and hyperband's rungs as a table.
 */
import type { PageModel } from "../../report/page-model.ts";
import { COLORS, chart, countAxis, tooltip, wideFrame } from "./charts.ts";
import { el, fmt, section } from "./dom.ts";
import type { Part } from "./part.ts";

export function curvesPart(model: PageModel): Part | null {
  const curves = model.curves;
  if (!curves) return null;
  const box = el("div", { class: "chart tall" });
  // One series per kind, each curve ended by an empty point: thousands of
  // series would each cost ECharts a component.
  const series = (name: string, stopped: boolean, color: string) => ({
    name,
    type: "line",
    color,
    symbol: "none",
    lineStyle: { width: 1, opacity: 0.7 },
    data: curves.lines
      .filter((l) => l.stopped === stopped)
      .flatMap((l) => [...l.points.map(([step, v]) => [step, v, l.trial]), ["-", "-", l.trial]]),
  });
  return {
    node: section(
      "curves",
      "Learning curves",
      `${curves.metric} at each step a trial reported; a promoted trial's curve begins with its parent's.`,
      box,
    ),
    draw: [
      () =>
        chart(box, {
          ...wideFrame((p: { value: (number | string)[] }) =>
            tooltip(`trial ${p.value[2]}`, [
              ["step", fmt(p.value[0])],
              [curves.metric, fmt(p.value[1])],
            ]),
          ),
          xAxis: countAxis("step"),
          yAxis: { type: "value", name: curves.metric, scale: true },
          series: [series("ran to the end", false, COLORS.accent), series("stopped early", true, COLORS.muted)],
        }),
    ],
  };
}

export function rungsPart(model: PageModel): Part | null {
  if (model.rungs.length === 0) return null;
  const resource = model.resource ?? "resource";
  const head = el(
    "tr",
    {},
    ...["bracket", "rung", resource, "ran / planned", "promoted", "best"].map((h) => el("th", {}, h)),
  );
  const rows = model.rungs.map((r) =>
    el(
      "tr",
      {},
      el("td", {}, String(r.bracket)),
      el("td", {}, String(r.rung)),
      el("td", {}, fmt(r.resource)),
      el("td", {}, `${r.ran} / ${r.planned}`),
      el("td", {}, r.promoted.length ? r.promoted.join(", ") : "–"),
      el("td", {}, r.best === null ? "–" : `trial ${r.best}: ${fmt(r.bestValue)}`),
    ),
  );
  return {
    node: section(
      "rungs",
      "Rungs",
      `hyperband as it ran: each bracket's rungs, the ${resource} they trained to, and which trials went on.`,
      el("table", { class: "plain" }, el("thead", {}, head), el("tbody", {}, ...rows)),
    ),
  };
}
