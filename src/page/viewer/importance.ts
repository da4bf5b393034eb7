/** Parameter importance as bars: the total share of the variance, and the share alone, per objective. */
import type { PageModel } from "../../report/page-model.ts";
import { COLORS, chart, tooltip } from "./charts.ts";
import { el, section } from "./dom.ts";
import type { Part } from "./part.ts";

const pct = (x: number) => `${Math.round(100 * x)}%`;

export function importancePart(model: PageModel): Part | null {
  const imp = model.importance;
  if (!imp) return null;
  const boxes = imp.objectives.map(() => el("div", { class: "chart short" }));
  const intro = `Share of each objective's variance that a parameter explains (functional ANOVA of a Gaussian process fitted to ${imp.basis}): total with its interactions, alone without. Hover a bar for the spread over bootstrap refits.`;
  return {
    node: section("importance", "Parameter importance", intro, ...boxes),
    draw: imp.objectives.map((o, k) => () => {
      const ranked = [...o.parameters].reverse();
      chart(boxes[k]!, {
        title: { text: o.metric, textStyle: { fontSize: 13 } },
        grid: { left: 110, right: 30, top: 40, bottom: 30 },
        legend: { top: 0, right: 0 },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          formatter: (items: { dataIndex: number }[]) => {
            const p = ranked[items[0]!.dataIndex]!;
            return tooltip(p.name, [
              ["total", `${pct(p.total)} ± ${pct(p.totalSpread)}`],
              ["alone", `${pct(p.first)} ± ${pct(p.firstSpread)}`],
            ]);
          },
        },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: ranked.map((p) => p.name) },
        series: [
          { name: "total", type: "bar", color: COLORS.accent, data: ranked.map((p) => Math.round(100 * p.total)) },
          { name: "alone", type: "bar", color: "#9ecbff", data: ranked.map((p) => Math.round(100 * p.first)) },
        ],
      });
    }),
  };
}
