/** Human-readable descriptions of a config for `validate`. */

import { splitCommand } from "../config/command.ts";
import type { Config } from "../config/schema.ts";
import { concurrencyText } from "../local/slots.ts";
import { constraintText } from "../protocol/objective.ts";
import { fmtScalar } from "../report/format.ts";
import { mdTable } from "../report/md-table.ts";
import { gridSize } from "../space/grid.ts";
import type { Parameter } from "../space/parameter-schema.ts";
import { buildSpace } from "../space/space.ts";
import { hyperbandBrackets, iterationCost } from "../strategy/hyperband/brackets.ts";
import { membersOf } from "../study/study.ts";

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
  const continuous = Object.values(config.parameters).some(
    (p) => p.type === "float" && p.step === undefined && !p.values && !p.points,
  );
  // Counting walks the grid, so only a grid is counted.
  const size = continuous ? 0 : gridSize(space, LIMIT);
  const b = config.budget;
  const multiFidelity = describeMultiFidelity(config);
  return [
    `study ${config.name}: ${config.strategy} search, ${goalsText(config)}`,
    `command: ${JSON.stringify(splitCommand(config.command))}`,
    `budget: ${b.max_trials} trials, ${b.parallel} per round${b.max_rounds ? `, at most ${b.max_rounds} rounds` : ""}${b.patience ? `, patience ${b.patience} rounds` : ""}, ${b.retries} retries per failed trial`,
    ...multiFidelity,
    // Only where a local run's processes differ from its trials: runs per trial, or devices.
    ...(config.devices || membersOf(config) > 1 ? [`matrix-tune run: ${concurrencyText(config)}`] : []),
    "",
    mdTable([["parameter", "type", "values", "when"], ...rows], { alignDelimiters: true }),
    "",
    continuous
      ? "grid points: not a grid (continuous parameters without points)"
      : `grid points: ${size >= LIMIT ? `over ${LIMIT}` : size}`,
  ].join("\n");
}

/** Lines for the resource, hyperband's brackets, the stopping rule and members, when set. */
function describeMultiFidelity(config: Config): string[] {
  const lines: string[] = [];
  const r = config.resource;
  if (r && config.strategy === "hyperband") {
    const brackets = hyperbandBrackets(r);
    const cost = iterationCost(brackets);
    lines.push(
      `resource: ${r.name} from ${r.min} to ${r.max}, η=${r.eta}, new configurations from the ${config.sampler} sampler`,
      ...brackets.map(
        (b) => `  bracket s=${b.s}: ${b.rungs.map((rung) => `${rung.size}×${rung.resource}`).join(" → ")}`,
      ),
      `  one iteration: ${cost.trials} trials, ${cost.resource} ${r.name} without checkpoints`,
    );
  } else if (r) lines.push(`resource: every trial trains with ${r.name} = ${r.max}`);
  const e = config.early_stopping;
  if (e)
    lines.push(
      `early stopping: ${e.rule}, from ${e.min_steps} reported steps, once ${e.min_trials} runs reported the step`,
    );
  if (membersOf(config) > 1)
    lines.push(
      `each configuration runs ${membersOf(config)} times (${config.repeats} repeats × ${config.folds} folds); its value is the mean`,
    );
  return lines;
}

/** `maximize val_accuracy (target 0.95) and minimize latency_ms, subject to latency_ms ≤ 20; select: …`. */
function goalsText(config: Config): string {
  const objectives = config.objective
    .map((o) => `${o.goal} ${o.metric}${o.target !== undefined ? ` (target ${o.target})` : ""}`)
    .join(" and ");
  const limits = config.constraints.length ? `, subject to ${config.constraints.map(constraintText).join(", ")}` : "";
  const select = config.select
    ? `; the result: the front's best ${config.select.metric}${config.select.subject_to.length ? ` with ${config.select.subject_to.map(constraintText).join(", ")}` : ""}`
    : config.objective.length > 1
      ? "; the result: the front's trial nearest the ideal point"
      : "";
  return `${objectives}${limits}${select}`;
}
