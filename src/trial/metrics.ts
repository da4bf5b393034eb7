/**
 * Reading a trial's metrics from its three sources: the JSON file it writes,
 * regular expressions over its output (SageMaker-style metric definitions), and
 * `name=value` or JSON-object lines, which also give intermediate values per step.
 */
import type { Config } from "../config/schema.ts";
import type { Intermediate } from "../study/schema.ts";

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|inf|Inf|infinity|Infinity)`;
const PAIR = new RegExp(String.raw`(?:^|[\s,;])([A-Za-z_][\w./-]*)\s*[=:]\s*(${NUMBER})(?=\s|,|;|$)`, "g");
/** Keys that say which step a line belongs to rather than being a metric. */
const STEP_KEYS = ["step", "epoch", "iteration", "iter"];

/** Parses one line of output into its numeric name/value pairs, or undefined. */
export function parseMetricLine(line: string): Record<string, number> | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
    try {
      const obj: unknown = JSON.parse(trimmed);
      if (obj && typeof obj === "object" && !Array.isArray(obj)) {
        const out: Record<string, number> = {};
        for (const [k, v] of Object.entries(obj)) if (typeof v === "number") out[k] = v;
        return Object.keys(out).length ? out : undefined;
      }
    } catch {
      // Not JSON after all: fall through to name=value pairs.
    }
  }
  const out: Record<string, number> = {};
  for (const m of trimmed.matchAll(PAIR)) out[m[1]!] = toNumber(m[2]!);
  return Object.keys(out).length ? out : undefined;
}

const WHOLE_NUMBER = new RegExp(`^(?:${NUMBER})$`);

/** A number written in decimal or scientific notation (or nan/inf); anything else is NaN. */
function toNumber(s: string): number {
  const text = s.trim();
  if (!WHOLE_NUMBER.test(text)) return Number.NaN;
  const lower = text.toLowerCase().replace(/^\+/, "");
  if (lower === "nan" || lower === "-nan") return Number.NaN;
  if (/^-?inf(inity)?$/.test(lower)) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/** Collects intermediate values from output lines as they arrive. */
export class LineMetrics {
  readonly steps: Intermediate[] = [];
  /** The last value seen for each name, finite or not (to explain a NaN objective). */
  readonly last: Record<string, number> = {};
  private nextStep = 0;

  add(line: string): Intermediate | undefined {
    const pairs = parseMetricLine(line);
    if (!pairs) return undefined;
    const stepKey = STEP_KEYS.find((k) => k in pairs && Number.isInteger(pairs[k]) && pairs[k]! >= 0);
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(pairs)) {
      if (k === stepKey) continue;
      this.last[k] = v;
      if (Number.isFinite(v)) values[k] = v;
    }
    if (Object.keys(values).length === 0) return undefined;
    const step = stepKey ? pairs[stepKey]! : this.nextStep;
    this.nextStep = step + 1;
    const entry = { step, values };
    this.steps.push(entry);
    return entry;
  }
}

/** The last match of each definition's first capture group in the output. */
export function matchDefinitions(
  definitions: Config["metrics"]["definitions"],
  stdout: string,
  stderr: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of definitions) {
    const text = d.stream === "stdout" ? stdout : d.stream === "stderr" ? stderr : `${stdout}\n${stderr}`;
    let value: number | undefined;
    for (const m of text.matchAll(new RegExp(d.regex, "gm"))) if (m[1] !== undefined) value = toNumber(m[1]);
    if (value !== undefined) out[d.name] = value;
  }
  return out;
}

export type MetricsFile =
  | { kind: "missing" }
  | { kind: "invalid"; message: string }
  | { kind: "ok"; values: Record<string, number> };

/** Interprets the text of a metrics file: a JSON object of numbers (other fields are ignored). */
export function parseMetricsFile(text: string | undefined): MetricsFile {
  if (text === undefined) return { kind: "missing" };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", message: `is not valid JSON (${(err as Error).message})` };
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj))
    return { kind: "invalid", message: 'must hold a JSON object such as {"val_loss": 0.31}' };
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === "number") values[k] = v;
    else if (typeof v === "string" && /^[-+]?(nan|inf(inity)?)$/i.test(v)) values[k] = toNumber(v);
  }
  return { kind: "ok", values };
}

export type Resolved =
  | { ok: true; value: number; metrics: Record<string, number> }
  | { ok: false; reason: string; metrics: Record<string, number> };

/**
 * Final metrics from all sources (the file wins over regexes, which win over
 * the last line value), and the objective with a reason naming every source
 * tried when it is missing or not a finite number.
 */
export function resolveMetrics(
  config: Pick<Config, "objective" | "metrics">,
  sources: { file: MetricsFile; filePath: string; definitions: Record<string, number>; lines: Record<string, number> },
): Resolved {
  const fileValues = sources.file.kind === "ok" ? sources.file.values : {};
  const wanted = [config.objective.metric, ...config.metrics.record];
  const all: Record<string, number> = {};
  for (const name of wanted) {
    // Own properties only: a metric named "constructor" must not find Object's.
    const own = (o: Record<string, number>) => (Object.hasOwn(o, name) ? o[name] : undefined);
    const v = own(fileValues) ?? own(sources.definitions) ?? (config.metrics.lines ? own(sources.lines) : undefined);
    if (v !== undefined) all[name] = v;
  }
  const metrics = Object.fromEntries(Object.entries(all).filter(([, v]) => Number.isFinite(v)));
  const name = config.objective.metric;
  const value = Object.hasOwn(all, name) ? all[name] : undefined;
  if (value !== undefined && Number.isFinite(value)) return { ok: true, value, metrics };
  if (value !== undefined)
    return { ok: false, reason: `objective "${name}" is ${value}, not a finite number`, metrics };
  const tried = [
    sources.file.kind === "missing"
      ? `metrics file ${sources.filePath} was not written`
      : sources.file.kind === "invalid"
        ? `metrics file ${sources.filePath} ${sources.file.message}`
        : `metrics file ${sources.filePath} has no "${name}"`,
    config.metrics.definitions.some((d) => d.name === name)
      ? `the regex for "${name}" did not match the output`
      : `no metrics.definitions entry names "${name}"`,
    config.metrics.lines ? `no "${name}=<number>" line in stdout` : "metric lines are off (metrics.lines: false)",
  ];
  return { ok: false, reason: `objective "${name}" not found: ${tried.join("; ")}`, metrics };
}
