/**
 * Is the pull request's model really better than the base branch's, or is the
 * difference noise? Compares two samples of the objective (repeats or k-fold
 * results of one configuration each) with Welch's interval for the difference
 * of means, and says which parameters differ.
 */
import { mean } from "../util/mean.ts";
import { sampleStd, welchInterval } from "./stats.ts";

export type ParamValue = string | number | boolean;

export interface Sample {
  /** What the side is called in the comment, such as "this PR" or "main". */
  label: string;
  /** The objective's value on each repeat / fold. */
  values: number[];
  params?: Record<string, ParamValue>;
  /** The commit the sample ran on. */
  ref?: string;
}

export type Verdict = "better" | "worse" | "no significant difference" | "unverified";
export type Goal = "minimize" | "maximize";

export interface Summary {
  label: string;
  /** How many finite values the side had. */
  n: number;
  /** NaN when n = 0. */
  mean: number;
  /** Sample standard deviation; undefined when n < 2. */
  std?: number;
  ref?: string;
}

export interface ChangedParam {
  name: string;
  candidate?: unknown;
  baseline?: unknown;
}

export interface Comparison {
  goal: Goal;
  metric: string;
  candidate: Summary;
  baseline: Summary;
  /** mean(candidate) − mean(baseline). */
  difference: number;
  /** Two-sided interval for the difference at `confidence`; absent when unverified. */
  interval?: [number, number];
  confidence: number;
  verdict: Verdict;
  changedParams: ChangedParam[];
  /** One or two sentences for a reviewer: why this verdict. */
  note: string;
  /** Two-sided p-value of Welch's test, when one was run. */
  pValue?: number;
  /** Welch–Satterthwaite degrees of freedom, when a test was run. */
  df?: number;
}

export interface CompareOptions {
  goal: Goal;
  metric: string;
  /** Two-sided confidence level of the interval; defaults to DEFAULT_CONFIDENCE. */
  confidence?: number;
}

/**
 * The default confidence level: 97.5%, a two-sided test at α = 0.025.
 *
 * The trade-off is false positives against power, and with 5 repeats per side
 * there is little room. What is asked of the comparison: an A/A run (no real
 * change, noisy metric, 5 repeats per side) called significant in at most 5 of
 * 100 runs, and a real 2σ improvement with 5 repeats per side called "better"
 * in more than half of them. Measured over 20,000 seeds each (Welch, n = 5):
 *
 * | level  | A/A false positives | P(≤ 5 of 100) | power at 2σ | P(> 50 of 100) | both |
 * | 95%    | 4.6%                | 68%           | 76%         | 100%           | 68%  |
 * | 97%    | 2.8%                | 94%           | 66%         | 99.9%          | 94%  |
 * | 97.5%  | 2.3%                | 97.4%         | 62%         | 98.8%          | 96%  |
 * | 98%    | 1.8%                | 99.0%         | 57%         | 89%            | 88%  |
 * | 99%    | 0.7%                | 100%          | 42%         | 5%             | 5%   |
 *
 * 95% has a 5% false-positive rate by design, so "≤ 5 of 100" holds by luck
 * (about 2 sets of 100 runs in 3). 99% almost never cries wolf but misses most
 * real 2σ gains. 97.5% is where both hold most often: it halves the false
 * positives of 95% for about 15 points of power at 2σ. More repeats buy power
 * without giving up false positives: at n = 10 a 2σ gain is found ~98% of the
 * time. `npx tsx bench/compare.ts` prints these rates beside 95%.
 */
export const DEFAULT_CONFIDENCE = 0.975;

/** How many repeats the note suggests when a side has a single value. */
export const SUGGESTED_REPEATS = 5;

export function compareSamples(candidate: Sample, baseline: Sample, opts: CompareOptions): Comparison {
  const c = judge(candidate, baseline, opts);
  // The same commit with the same parameters is the same model: whatever the
  // numbers say, nothing changed, so it must not be reported as better (or worse).
  if (
    (c.verdict === "better" || c.verdict === "worse") &&
    c.changedParams.length === 0 &&
    sameRef(candidate.ref, baseline.ref)
  )
    return {
      ...c,
      verdict: "no significant difference",
      note: `Both sides ran the same commit with the same parameters: the measured difference can only be noise or nondeterminism outside the model (hardware, data order), not a change.`,
    };
  return c;
}

/**
 * Whether two commit SHAs (full or abbreviated, at least 7 hex digits) name the
 * same commit. Branch names never match: a branch moves between runs.
 */
export function sameRef(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  const sha = /^[0-9a-f]{7,40}$/;
  return sha.test(x) && sha.test(y) && (x.startsWith(y) || y.startsWith(x));
}

function judge(candidate: Sample, baseline: Sample, opts: CompareOptions): Comparison {
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1) (got ${confidence})`);
  const cValues = candidate.values.filter(Number.isFinite);
  const bValues = baseline.values.filter(Number.isFinite);
  const cSum = summarize(candidate, cValues);
  const bSum = summarize(baseline, bValues);
  const base = {
    goal: opts.goal,
    metric: opts.metric,
    candidate: cSum,
    baseline: bSum,
    difference: cSum.mean - bSum.mean,
    confidence,
    changedParams: changedParams(candidate.params, baseline.params),
  };
  const dropped = droppedNote(candidate, cValues, baseline, bValues);
  /** The quoted labels of the sides whose number of values passes `test`, joined by "and". */
  const sidesWith = (test: (n: number) => boolean) =>
    [
      [candidate.label, cValues.length],
      [baseline.label, bValues.length],
    ]
      .filter(([, n]) => test(n as number))
      .map(([l]) => `"${l}"`)
      .join(" and ");

  if (cValues.length === 0 || bValues.length === 0) {
    const empty = sidesWith((n) => n === 0);
    return {
      ...base,
      verdict: "unverified",
      note: join(`No result to compare: ${empty} has no finite value of ${opts.metric}.`, dropped),
    };
  }

  if (cValues.length < 2 || bValues.length < 2) {
    const single = sidesWith((n) => n < 2);
    return {
      ...base,
      verdict: "unverified",
      note: join(
        `The difference is unverified: ${single} ${single.includes(" and ") ? "have" : "has"} a single run, so noise cannot be told apart from a real change. Run with \`repeats: ${SUGGESTED_REPEATS}\` to tell a real gain from noise.`,
        dropped,
      ),
    };
  }

  const pct = `${fmtPct(confidence)}%`;
  const welch = welchInterval(cValues, bValues, confidence);
  if (welch === undefined) {
    // No spread on either side: every repeat gave the same value, so the metric is
    // deterministic at this setting and the difference is exact, not estimated.
    if (base.difference === 0)
      return {
        ...base,
        interval: [0, 0],
        verdict: "no significant difference",
        note: join(
          `Both sides gave the same ${opts.metric} on every repeat: there is no difference, and no noise to measure.`,
          dropped,
        ),
      };
    const verdict = directional(base.difference, opts.goal);
    return {
      ...base,
      interval: [base.difference, base.difference],
      verdict,
      note: join(
        `Every repeat gave the same ${opts.metric} on each side (no noise at all), so the difference is exact rather than estimated and the change is ${verdict}. Check that the repeats really vary what they should (seeds, data order) if that is unexpected.`,
        dropped,
      ),
    };
  }

  const { interval } = welch;
  const covers = interval[0] <= 0 && interval[1] >= 0;
  const comparison: Comparison = {
    ...base,
    interval,
    verdict: covers ? "no significant difference" : directional(base.difference, opts.goal),
    note: "",
    pValue: welch.pValue,
    df: welch.df,
  };
  comparison.note = join(
    covers
      ? `The difference is within the noise: its ${pct} interval covers zero with ${repeatsText(cValues.length, bValues.length)}, so this comparison cannot tell the two apart.`
      : `The ${pct} interval for the difference excludes zero (p = ${fmtP(welch.pValue)}), so the change is ${comparison.verdict}.`,
    dropped,
  );
  return comparison;
}

function repeatsText(a: number, b: number): string {
  return a === b ? `${a} repeats on each side` : `${a} and ${b} repeats`;
}

function summarize(sample: Sample, values: number[]): Summary {
  const s: Summary = { label: sample.label, n: values.length, mean: mean(values) };
  if (values.length >= 2) s.std = sampleStd(values);
  if (sample.ref !== undefined) s.ref = sample.ref;
  return s;
}

/** Lower is better when minimizing, higher when maximizing. */
function directional(difference: number, goal: Goal): "better" | "worse" {
  const improves = goal === "minimize" ? difference < 0 : difference > 0;
  return improves ? "better" : "worse";
}

/** Parameters whose values differ, including those set on one side only, sorted by name. */
export function changedParams(
  candidate: Record<string, ParamValue> | undefined,
  baseline: Record<string, ParamValue> | undefined,
): ChangedParam[] {
  const c = candidate ?? {};
  const b = baseline ?? {};
  const names = [...new Set([...Object.keys(c), ...Object.keys(b)])].sort();
  const out: ChangedParam[] = [];
  for (const name of names) {
    const inC = Object.hasOwn(c, name);
    const inB = Object.hasOwn(b, name);
    if (inC && inB && Object.is(c[name], b[name])) continue;
    const row: ChangedParam = { name };
    if (inC) row.candidate = c[name];
    if (inB) row.baseline = b[name];
    out.push(row);
  }
  return out;
}

function droppedNote(candidate: Sample, cValues: number[], baseline: Sample, bValues: number[]): string | undefined {
  const parts: string[] = [];
  const cd = candidate.values.length - cValues.length;
  const bd = baseline.values.length - bValues.length;
  if (cd > 0) parts.push(`${cd} of "${candidate.label}"`);
  if (bd > 0) parts.push(`${bd} of "${baseline.label}"`);
  return parts.length ? `Left out non-finite values: ${parts.join(", ")}.` : undefined;
}

function join(...sentences: (string | undefined)[]): string {
  return sentences.filter((s) => s !== undefined && s !== "").join(" ");
}

/** 0.98 → "98", 0.995 → "99.5". */
export function fmtPct(confidence: number): string {
  return String(Number((confidence * 100).toPrecision(6)));
}

function fmtP(p: number): string {
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}
