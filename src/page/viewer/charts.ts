/**
 * ECharts, with only the chart types the page draws (the measured choice in
 * docs/report-page.md), and the page's bookkeeping: every chart is listed, and
 * the body says `data-charts="drawn"` once each has finished its first
 * render, which the browser tests wait for.
 */
import { BarChart, CustomChart, LineChart, ParallelChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { escapeHtml } from "./dom.ts";

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type Option = echarts.EChartsCoreOption;
export type Chart = echarts.ECharts;

const drawn: Promise<void>[] = [];
const charts: Chart[] = [];

/** What ECharts says about a clicked point. */
export interface Clicked {
  readonly data?: unknown;
  readonly value?: unknown;
}

/** The event a chart sends when a trial's point is clicked; the table shows that trial. */
export const TRIAL_SELECTED = "matrix-tune:trial-selected";

/** The trial of a point whose data item carries it (`{ value, trial }`). */
const trialOfItem = (p: Clicked) => (p.data as { trial?: { id: number } } | undefined)?.trial?.id;

/**
 * A chart in `container`; it is redrawn at the container's new size when the
 * window changes, and a click on a trial's point (`trialAt`) selects it.
 */
export function chart(
  container: HTMLElement,
  option: Option,
  trialAt: (p: Clicked) => number | undefined = trialOfItem,
): Chart {
  const c = echarts.init(container, undefined, { renderer: "canvas" });
  drawn.push(new Promise((resolve) => c.on("finished", () => resolve())));
  c.on("click", (p) => {
    const id = trialAt(p as Clicked);
    if (id !== undefined) document.dispatchEvent(new CustomEvent(TRIAL_SELECTED, { detail: id }));
  });
  c.setOption({ animation: false, ...option });
  charts.push(c);
  return c;
}

/** Marks the page once every chart has drawn. */
export function whenDrawn(): void {
  void Promise.all(drawn).then(() => {
    document.body.dataset.charts = "drawn";
  });
  window.addEventListener("resize", () => {
    for (const c of charts) c.resize();
  });
}

/** A tooltip as escaped HTML: a bold first line, then label–value lines. */
export function tooltip(title: string, lines: readonly (readonly [string, string])[]): string {
  return [`<b>${escapeHtml(title)}</b>`, ...lines.map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)].join("<br>");
}

/** The plot area of a full-width chart with a legend above it. */
export const WIDE_GRID = { left: 70, right: 20, top: 30, bottom: 45 };

/** What the full-width charts share: the plot area, the legend above it, and a tooltip per point. */
export function wideFrame<P>(formatter: (point: P) => string) {
  return { grid: WIDE_GRID, legend: { top: 0 }, tooltip: { trigger: "item", formatter } };
}

/** A counting x axis (trials, steps): whole numbers, named below. */
export function countAxis(name: string) {
  return { type: "value", name, nameLocation: "middle", nameGap: 28, minInterval: 1 };
}

export const COLORS = { good: "#1a7f37", bad: "#cf222e", muted: "#8c959f", accent: "#0969da", best: "#bf8700" };

/** Better results darker: the color scale runs from pale (worst) to deep blue (best). */
export const SCALE = ["#d8e6f6", "#7fb0e6", "#2f73c6", "#0b3f8a"];
