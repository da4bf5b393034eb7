/**
 * Convergence charts: the best value so far after each trial, as a mermaid
 * `xychart-beta` (GitHub renders it in comments and summaries) and as a
 * one-line sparkline for terminals.
 */
import type { Config } from "../config/schema.ts";
import type { Study } from "../study/schema.ts";
import { bestSoFar } from "../study/study.ts";
import { fmtNumber } from "./format.ts";

/** Most points drawn for one line: a 3000-trial study would otherwise spend 30,000 characters on it. */
export const MAX_POINTS = 100;

export function mermaidConvergence(config: Config, study: Study): string | undefined {
  return mermaidSeries(
    `Best ${config.objective[0].metric} so far`,
    config.objective[0].metric,
    bestSoFar(config, study),
  );
}

/** A series over the search trials (undefined before its first value) as an xychart line. */
export function mermaidSeries(
  title: string,
  yTitle: string,
  series: readonly (number | undefined)[],
): string | undefined {
  const first = series.findIndex((v) => v !== undefined);
  if (first < 0 || series.length < 2) return undefined;
  // mermaid spreads a line's points evenly over a numeric x axis, so evenly spaced samples stay in place.
  const points = thin(series.slice(first) as number[], MAX_POINTS);
  return [
    "```mermaid",
    "xychart-beta",
    `  title "${title}"`,
    `  x-axis "trial" ${first + 1} --> ${series.length}`,
    yAxis(yTitle, points),
    `  line [${points.map((v) => mermaidNumber(v)).join(", ")}]`,
    "```",
  ].join("\n");
}

/** The y axis of a chart of these values, with a margin so no line runs along the frame. */
export function yAxis(title: string, values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 1;
  return `  y-axis "${title}" ${mermaidNumber(lo - pad, 4)} --> ${mermaidNumber(hi + pad, 4)}`;
}

/**
 * A number as xychart's grammar reads it: digits with an optional fraction,
 * never an exponent (it would fail to parse, and the chart with it).
 */
export function mermaidNumber(x: number, digits = 6): string {
  const short = fmtNumber(x, digits);
  if (!short.includes("e")) return short;
  const a = Math.abs(x);
  if (a >= 1) return x.toFixed(0);
  return x.toFixed(Math.min(100, digits - 1 - Math.floor(Math.log10(a)))).replace(/\.?0+$/, "");
}

/** At most `max` items, evenly spread, the first and last kept. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!);
}

const BLOCKS = "▁▂▃▄▅▆▇█";

/** Best-so-far as block characters, higher bar = better, one per trial. */
export function sparkline(config: Config, study: Study, width = 60): string {
  return seriesSparkline(bestSoFar(config, study), config.objective[0].goal === "maximize", width);
}

/** A series over the search trials as block characters, higher bar = better. */
export function seriesSparkline(series: readonly (number | undefined)[], maximize: boolean, width = 60): string {
  const values = series.filter((v): v is number => v !== undefined);
  if (values.length === 0) return "";
  const step = Math.max(1, Math.ceil(series.length / width));
  const sampled = series.filter((_, i) => i % step === step - 1 || i === series.length - 1);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return sampled
    .map((v) => {
      if (v === undefined) return " ";
      const t = hi > lo ? (v - lo) / (hi - lo) : 1;
      return BLOCKS[Math.round((maximize ? t : 1 - t) * (BLOCKS.length - 1))];
    })
    .join("");
}
