/**
 * Convergence charts: the best value so far after each trial, as a mermaid
 * `xychart-beta` (GitHub renders it in comments and summaries) and as a
 * one-line sparkline for terminals.
 */
import type { Config } from "../config/schema.ts";
import type { Study } from "../study/schema.ts";
import { bestSoFar } from "../study/study.ts";
import { fmtNumber } from "./format.ts";

export function mermaidConvergence(config: Config, study: Study): string | undefined {
  const series = bestSoFar(study, config.objective.goal);
  const first = series.findIndex((v) => v !== undefined);
  if (first < 0 || series.length < 2) return undefined;
  const points = series.slice(first) as number[];
  const lo = Math.min(...points);
  const hi = Math.max(...points);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 1;
  return [
    "```mermaid",
    "xychart-beta",
    `  title "Best ${config.objective.metric} so far"`,
    `  x-axis "trial" ${first + 1} --> ${series.length}`,
    `  y-axis "${config.objective.metric}" ${fmtNumber(lo - pad)} --> ${fmtNumber(hi + pad)}`,
    `  line [${points.map((v) => fmtNumber(v, 6)).join(", ")}]`,
    "```",
  ].join("\n");
}

const BLOCKS = "▁▂▃▄▅▆▇█";

/** Best-so-far as block characters, higher bar = better, one per trial. */
export function sparkline(config: Config, study: Study, width = 60): string {
  const series = bestSoFar(study, config.objective.goal);
  const values = series.filter((v): v is number => v !== undefined);
  if (values.length === 0) return "";
  const step = Math.max(1, Math.ceil(series.length / width));
  const sampled = series.filter((_, i) => i % step === step - 1 || i === series.length - 1);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const maximize = config.objective.goal === "maximize";
  return sampled
    .map((v) => {
      if (v === undefined) return " ";
      const t = hi > lo ? (v - lo) / (hi - lo) : 1;
      return BLOCKS[Math.round((maximize ? t : 1 - t) * (BLOCKS.length - 1))];
    })
    .join("");
}
