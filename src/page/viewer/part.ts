import type { PageAxis, PageModel, PageTrial } from "../../report/page-model.ts";
import { fmt } from "./dom.ts";

/**
 * A section of the page, and how to draw its charts once it is in the
 * document (ECharts needs the size): a step per chart, each run in a task of
 * its own so that a study of thousands of trials never holds the page still
 * for long.
 */
export interface Part {
  readonly node: HTMLElement;
  readonly draw?: readonly (() => void)[];
}

/** Search trials with a result for objective `k` (reference runs are not part of the search). */
export function withValue(model: PageModel, k = 0): PageTrial[] {
  return model.trials.filter((t) => !t.reference && t.values[k] !== null);
}

/** An ECharts axis for a parameter: log, linear or the categories in the config's order. */
export function paramAxis(axis: PageAxis): Record<string, unknown> {
  // Every category named, each cut short rather than running into the next.
  if (axis.kind === "category")
    return {
      type: "category",
      data: [...axis.categories],
      axisLabel: { interval: 0, width: 80, overflow: "truncate" },
    };
  return { type: axis.log ? "log" : "value", scale: true, axisLabel: { formatter: (v: number) => fmt(v) } };
}

export function goalText(model: PageModel, k = 0): string {
  const o = model.objectives[k]!;
  return `${o.metric} (${o.goal === "minimize" ? "lower" : "higher"} is better)`;
}
