/** Human-readable descriptions of a config for `validate`. */
import { markdownTable } from "markdown-table";
import type { Config, Parameter } from "../config/schema.ts";
import { fmtScalar } from "../report/format.ts";
import { gridSize } from "../space/grid.ts";
import { buildSpace } from "../space/space.ts";
import { splitCommand } from "../trial/command.ts";

export function describeParam(p: Parameter): string {
  switch (p.type) {
    case "constant":
      return `= ${fmtScalar(p.value)}`;
    case "categorical":
      return `{${p.values.map(fmtScalar).join(", ")}}`;
    default: {
      const range = `[${fmtScalar(p.min)}, ${fmtScalar(p.max)}]`;
      const extra = [p.scale === "log" ? "log" : "", p.step !== undefined ? `step ${p.step}` : ""].filter(Boolean);
      return `${range}${extra.length ? ` ${extra.join(", ")}` : ""}`;
    }
  }
}

export function describeConfig(config: Config): string {
  const rows = Object.entries(config.parameters).map(([name, p]) => [
    name,
    p.type,
    describeParam(p),
    p.when
      ? Object.entries(p.when)
          .map(([k, v]) => `${k} ${Array.isArray(v) ? `in [${v.join(", ")}]` : `= ${v}`}`)
          .join(" and ")
      : "",
  ]);
  const space = buildSpace(config.parameters);
  const LIMIT = 1_000_000;
  const size = gridSize(space, LIMIT);
  const continuous = Object.values(config.parameters).some(
    (p) => p.type === "float" && p.step === undefined && !p.values && !p.points,
  );
  const b = config.budget;
  return [
    `study ${config.name}: ${config.strategy} search, ${config.objective.goal} ${config.objective.metric}${config.objective.target !== undefined ? ` (target ${config.objective.target})` : ""}`,
    `command: ${JSON.stringify(splitCommand(config.command))}`,
    `budget: ${b.max_trials} trials, ${b.parallel} per round${b.max_rounds ? `, at most ${b.max_rounds} rounds` : ""}${b.patience ? `, patience ${b.patience} rounds` : ""}, ${b.retries} retries per failed trial`,
    "",
    markdownTable([["parameter", "type", "values", "when"], ...rows], { alignDelimiters: true }),
    "",
    continuous
      ? "grid points: not a grid (continuous parameters without points)"
      : `grid points: ${size >= LIMIT ? `over ${LIMIT}` : size}`,
  ].join("\n");
}
