/**
 * A comparison as markdown for the pull-request comment: both sides, the
 * difference with its interval, a verdict in words, and the parameters that differ.
 */

import { type Comparison, fmtPct, type Summary } from "../compare/compare.ts";
import { fmtNumber } from "./format.ts";
import { mdTable } from "./md-table.ts";

export interface RenderOptions {
  /** Heading of the section; null for none. Default "Compared with the baseline". */
  title?: string | null;
}

export function renderComparison(c: Comparison, opts: RenderOptions = {}): string {
  const title = opts.title === undefined ? "Compared with the baseline" : opts.title;
  const parts: string[] = [];
  if (title !== null) parts.push(`### ${title}`);

  const showRef = c.candidate.ref !== undefined || c.baseline.ref !== undefined;
  const header = ["", `${c.metric} (${c.goal === "minimize" ? "lower" : "higher"} is better)`, "n"];
  if (showRef) header.push("commit");
  const row = (s: Summary) => {
    const r = [s.label, value(s), String(s.n)];
    if (showRef) r.push(s.ref === undefined ? "–" : `\`${shortRef(s.ref)}\``);
    return r;
  };
  parts.push(
    mdTable([header, row(c.candidate), row(c.baseline)], {
      align: ["l", "r", "r", ...(showRef ? (["l"] as const) : [])],
    }),
  );

  parts.push(`${verdictLine(c)}\n\n${c.note}`);

  if (c.changedParams.length) {
    const rows = c.changedParams.map((p) => [
      `\`${code(p.name)}\``,
      paramValue(p, "candidate"),
      paramValue(p, "baseline"),
    ]);
    parts.push(
      `**Parameters that differ**\n\n${mdTable([["parameter", c.candidate.label, c.baseline.label], ...rows])}`,
    );
  } else {
    parts.push("_No parameter differs between the two sides._");
  }
  return `${parts.join("\n\n")}\n`;
}

/** "97.5% interval −0.004 to +0.006", to the precision the interval's width warrants. */
export function intervalText(c: Comparison): string {
  if (!c.interval) return "";
  const scale = halfWidth(c);
  return `${fmtPct(c.confidence)}% interval ${signed(c.interval[0], scale)} to ${signed(c.interval[1], scale)}`;
}

/**
 * "**Verdict: no significant difference** — this PR − main = −0.0014 (97.5% interval
 * −0.006 to +0.0032 covers zero)": the verdict, the difference and why, in one line.
 */
export function verdictLine(c: Comparison): string {
  const head = `**Verdict: ${verdictText(c)}**`;
  if (!Number.isFinite(c.difference)) return head;
  const diff = `${c.candidate.label} − ${c.baseline.label} = ${signed(c.difference, halfWidth(c))}`;
  return `${head} — ${diff}${verdictReason(c)}`;
}

function halfWidth(c: Comparison): number | undefined {
  return c.interval ? (c.interval[1] - c.interval[0]) / 2 : undefined;
}

function verdictText(c: Comparison): string {
  const direction = c.goal === "minimize" ? "lower" : "higher";
  switch (c.verdict) {
    case "better":
      return `better (${direction} ${c.metric})`;
    case "worse":
      return `worse (${direction === "lower" ? "higher" : "lower"} ${c.metric})`;
    case "no significant difference":
      return "no significant difference";
    case "unverified":
      return "unverified";
  }
}

/** Why, in a parenthesis after the verdict. */
function verdictReason(c: Comparison): string {
  if (!c.interval) return "";
  const [lo, hi] = c.interval;
  const significant = c.verdict === "better" || c.verdict === "worse";
  // Only the same-model guard of compareSamples overrules the interval.
  const but = significant || c.difference === 0 ? "" : ", but both sides ran the same commit and parameters";
  if (lo === hi)
    return ` (${lo === 0 ? "identical values on both sides" : `every repeat gave the same value: the difference is exact${but}`})`;
  const covers = lo <= 0 && hi >= 0;
  return ` (${intervalText(c)} ${covers ? "covers" : "excludes"} zero${covers ? "" : but})`;
}

function value(s: Summary): string {
  if (s.n === 0 || !Number.isFinite(s.mean)) return "–";
  if (s.std === undefined) return `${fmtNumber(s.mean)} (single run)`;
  return `${fmtScaled(s.mean, s.std, 4)} ± ${fmtNumber(s.std, 2)}`;
}

/** A signed number with a typographic minus: "+0.006", "−0.004", "0". */
export function signed(x: number, scale?: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  return x > 0 ? `+${fmtScaled(x, scale)}` : `−${fmtScaled(-x, scale)}`;
}

/**
 * x with enough significant digits to show it to about a tenth of `scale` (its
 * uncertainty), and at least `min` of them: 100.25 ± 0.01 stays 100.25, not 100.3.
 */
export function fmtScaled(x: number, scale: number | undefined, min = 2): string {
  if (scale === undefined || !(scale > 0) || !Number.isFinite(scale) || x === 0) return fmtNumber(x);
  const digits = Math.ceil(Math.log10(Math.abs(x) / scale)) + 2;
  return fmtNumber(x, Math.min(12, Math.max(min, digits)));
}

function shortRef(ref: string): string {
  const r = code(ref.trim());
  return /^[0-9a-f]{8,40}$/i.test(r) ? r.slice(0, 7) : r;
}

function paramValue(p: { candidate?: unknown; baseline?: unknown }, side: "candidate" | "baseline"): string {
  if (!Object.hasOwn(p, side)) return "_not set_";
  const v = p[side];
  if (typeof v === "number") return fmtNumber(v);
  if (typeof v === "string") return `\`${code(v)}\``;
  return typeof v === "boolean" ? String(v) : (JSON.stringify(v) ?? String(v));
}

/** Text safe inside a code span: no backtick to end it early, on one line. */
export function code(s: string): string {
  return s.replace(/`/g, "'").replace(/[\r\n]+/g, " ");
}
