/**
 * Which of a trial's metric sources counts. Each source is one entry of a list
 * ordered by precedence: what it found, where a value's text came from, and
 * why it has none. A new source (TensorBoard events, a W&B summary) is one
 * more entry; the rule below and its messages stay as they are.
 */
import type { Config } from "../config/schema.ts";
import { type MetricsFile, unreadable } from "./metrics.ts";

export interface MetricSource {
  /** The last value of each name, finite or not (a NaN objective is explained, not skipped). */
  values: Readonly<Record<string, number>>;
  /** The text of each value that was not a number as written. */
  texts: Readonly<Record<string, string>>;
  /** Ends a reason that quotes one of its texts. */
  where: string;
  /** Why it holds no value for `name`: one clause of the reason that names every source tried. */
  lacks(name: string): string;
}

/** The JSON file the trial writes. */
export function fileSource(file: MetricsFile, path: string): MetricSource {
  return {
    values: file.kind === "ok" ? file.values : {},
    texts: (file.kind === "ok" && file.texts) || {},
    where: `in metrics file ${path}`,
    lacks: (name) =>
      file.kind === "missing"
        ? `metrics file ${path} was not written`
        : file.kind === "invalid"
          ? `metrics file ${path} ${file.message}`
          : `metrics file ${path} has no "${name}"`,
  };
}

/** The config's metrics.definitions, matched over the output (see matchDefinitions). */
export function definitionSource(
  definitions: Config["metrics"]["definitions"],
  matched: Record<string, number>,
): MetricSource {
  return {
    values: matched,
    texts: {},
    where: "in the output its regex matched",
    lacks: (name) =>
      definitions.some((d) => d.name === name)
        ? `the regex for "${name}" did not match the output`
        : `no metrics.definitions entry names "${name}"`,
  };
}

/** The last value of each name in `name=value` lines (LineMetrics), unless metrics.lines is off. */
export function lineSource(
  enabled: boolean,
  lines: { last: Record<string, number>; texts: Record<string, string> },
): MetricSource {
  return {
    values: enabled ? lines.last : {},
    texts: enabled ? lines.texts : {},
    where: "in the last stdout line that reported it",
    lacks: (name) => (enabled ? `no "${name}=<number>" line in stdout` : "metric lines are off (metrics.lines: false)"),
  };
}

export type Resolved =
  | { ok: true; value: number; metrics: Record<string, number> }
  | { ok: false; reason: string; metrics: Record<string, number> };

/**
 * Final metrics from the sources, each name from the first source that has it,
 * and the value of the (first) objective. Every objective and constrained
 * metric is required: when one is missing or not a finite number, the reason
 * names it and every source tried.
 */
export function resolveMetrics(
  config: Pick<Config, "objective" | "constraints" | "metrics">,
  sources: readonly MetricSource[],
): Resolved {
  // Own properties only: a metric named "constructor" must not find Object's.
  const first = (name: string) => sources.findIndex((s) => Object.hasOwn(s.values, name));
  const required = [
    ...config.objective.map((o) => ({ name: o.metric, role: "objective" })),
    ...config.constraints.map((c) => ({ name: c.metric, role: "constrained metric" })),
  ];
  const all: Record<string, number> = {};
  for (const name of new Set([...required.map((r) => r.name), ...config.metrics.record])) {
    const i = first(name);
    if (i >= 0) all[name] = sources[i]!.values[name]!;
  }
  const metrics = Object.fromEntries(Object.entries(all).filter(([, v]) => Number.isFinite(v)));
  for (const { name, role } of required) {
    const reason = missingReason(sources, first(name), name, role);
    if (reason) return { ok: false, reason, metrics };
  }
  return { ok: true, value: metrics[config.objective[0].metric]!, metrics };
}

/** Why `name` has no finite value, or undefined when it has one. */
function missingReason(sources: readonly MetricSource[], from: number, name: string, role: string): string | undefined {
  const value = from >= 0 ? sources[from]!.values[name] : undefined;
  if (value !== undefined && Number.isFinite(value)) return undefined;
  // The text behind the value that counts, when it was not a number. A source
  // ranked above the one that gave the value may hold only text (`"acc": "high"`): it comes first.
  const explained = sources.slice(0, from >= 0 ? from + 1 : undefined).find((s) => Object.hasOwn(s.texts, name));
  if (explained) return `${role} ${unreadable(name, explained.texts[name]!)} ${explained.where}`;
  if (value !== undefined) return `${role} "${name}" is ${value}, not a finite number`;
  return `${role} "${name}" not found: ${sources.map((s) => s.lacks(name)).join("; ")}`;
}
