/**
 * Reading a trial's metrics where it reports them: the JSON file it writes,
 * regular expressions over its output (SageMaker-style metric definitions), and
 * `name=value` or JSON-object lines, which also give intermediate values per step.
 * metric-sources.ts decides which of them counts.
 */
import type { Config } from "../config/schema.ts";
import type { Intermediate } from "../protocol/trial.ts";
import { type CurveKeep, CurveSampler } from "../study/curve.ts";

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|inf|Inf|infinity|Infinity)`;
// A number followed by `,digits` is a decimal comma (`acc=0,95`): captured to be refused, not read as 0.
const PAIR = new RegExp(String.raw`(?:^|[\s,;])([A-Za-z_][\w./-]*)\s*[=:]\s*((?:${NUMBER})(?:,\d+)*)(?=\s|,|;|$)`, "g");
/** A summary line: `final acc=0.95`, `Final: loss=0.1`. */
const FINAL = /^\s*final\b/i;
/** Keys that say which step a line belongs to rather than being a metric. */
const STEP_KEYS = ["step", "epoch", "iteration", "iter"];

/**
 * Name/value pairs read from a line or a file. A value that is not a number as
 * written (`0,95`, `"fast"`) is NaN in `values` when it looked like one, and its
 * text is kept in `texts`, so that a missing objective can be explained.
 */
export interface Readings {
  values: Record<string, number>;
  texts: Record<string, string>;
}

/** Parses one line of output into its numeric name/value pairs, or undefined. */
export function parseMetricLine(line: string): Record<string, number> | undefined {
  return readLine(line)?.values;
}

/** Terminal colour and cursor codes: a coloured `acc=0.9` is still `acc=0.9`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what starts every such code.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function readLine(line: string): Readings | undefined {
  const trimmed = line.replace(ANSI, "").trim();
  if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
    try {
      const obj: unknown = JSON.parse(trimmed);
      if (obj && typeof obj === "object" && !Array.isArray(obj)) {
        const got = readObject(obj as Record<string, unknown>);
        return Object.keys(got.values).length ? got : undefined;
      }
    } catch {
      // Not JSON after all: fall through to name=value pairs.
    }
  }
  const out: Readings = { values: {}, texts: {} };
  for (const m of trimmed.matchAll(PAIR)) read(out, m[1]!, m[2]!);
  return Object.keys(out.values).length ? out : undefined;
}

/**
 * The numbers of a JSON object. A string that holds a number (`"0.7"`, `"NaN"`)
 * reads as that number; any other string is kept as text, to explain itself if
 * it is the objective; other fields are ignored.
 */
function readObject(obj: Record<string, unknown>): Readings {
  const out: Readings = { values: {}, texts: {} };
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === "number") out.values[k] = v;
    else if (typeof v === "string") read(out, k, v, WHOLE_NUMBER.test(v.trim()));
  }
  return out;
}

function read(out: Readings, name: string, text: string, keepValue = true): void {
  const value = toNumber(text);
  if (keepValue || DECIMAL_COMMA.test(text)) out.values[name] = value;
  if (!WHOLE_NUMBER.test(text.trim())) out.texts[name] = text;
}

const DECIMAL_COMMA = /^[-+]?\d+(,\d+)+$/;

/** Why a value written as `text` is not a number, for a reason that quotes it. */
export function unreadable(name: string, text: string): string {
  const hint = DECIMAL_COMMA.test(text) ? `; write a decimal point: ${text.replace(",", ".")}` : "";
  return `"${name}" is ${JSON.stringify(text)}, not a number${hint}`;
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

/**
 * Collects intermediate values from output lines as they arrive, keeping a
 * bounded curve (see CurveSampler) so that memory stays flat however many
 * lines a trial prints.
 */
export class LineMetrics {
  /** The last value seen for each name, finite or not (to explain a NaN objective). */
  readonly last: Record<string, number> = {};
  /** The text of each last value that was not a number. */
  readonly texts: Record<string, string> = {};
  private nextStep = 0;
  private readonly curve: CurveSampler;

  constructor(keep?: CurveKeep) {
    this.curve = new CurveSampler(keep);
  }

  /** The kept steps, in the order they were reported. */
  get steps(): Intermediate[] {
    return this.curve.points;
  }

  add(line: string): Intermediate | undefined {
    const read = readLine(line);
    if (!read) return undefined;
    // `final acc=0.95`: the trial's summary. Its values are the last ones, but it is no step of the curve.
    const summary = FINAL.test(line.replace(ANSI, ""));
    const pairs = read.values;
    const stepKey = STEP_KEYS.find((k) => k in pairs && Number.isInteger(pairs[k]) && pairs[k]! >= 0);
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(pairs)) {
      if (k === stepKey) continue;
      this.last[k] = v;
      if (read.texts[k] !== undefined) this.texts[k] = read.texts[k];
      else delete this.texts[k];
      if (Number.isFinite(v)) values[k] = v;
    }
    if (summary || Object.keys(values).length === 0) return undefined;
    const step = stepKey ? pairs[stepKey]! : this.nextStep;
    this.nextStep = step + 1;
    const entry = { step, values };
    this.curve.add(entry);
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
  | { kind: "ok"; values: Readings["values"]; texts?: Readings["texts"] };

/**
 * Interprets the text of a metrics file: a JSON object of numbers (see
 * readObject for strings). Python's json.dump writes NaN and Infinity bare,
 * which is not JSON: they are read as numbers rather than losing the file.
 */
export function parseMetricsFile(text: string | undefined): MetricsFile {
  if (text === undefined) return { kind: "missing" };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    try {
      obj = JSON.parse(quoteBareNonFinite(text));
    } catch {
      return { kind: "invalid", message: `is not valid JSON (${(err as Error).message})` };
    }
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj))
    return { kind: "invalid", message: 'must hold a JSON object such as {"val_loss": 0.31}' };
  return { kind: "ok", ...readObject(obj as Record<string, unknown>) };
}

/** `NaN`, `Infinity` and `-Infinity` outside strings, quoted (strings are matched first and kept). */
function quoteBareNonFinite(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (m) => (m.startsWith('"') ? m : `"${m}"`));
}
