/**
 * A comparison of two Pareto fronts as markdown for the pull-request comment:
 * a one-line verdict, how sure it is, and each front's size, hypervolume and
 * points the other front does not dominate.
 */

import { fmtPct, SUGGESTED_REPEATS } from "../compare/compare.ts";
import type { FrontComparison } from "../compare/fronts.ts";
import { fmtNumber } from "./format.ts";
import { metricCode } from "./front.ts";
import { mdTable, plainText } from "./md-table.ts";

export function renderFrontComparison(c: FrontComparison, title: string): string {
  const table = mdTable(
    [
      ["front", "trials on it", "hypervolume", "not dominated by the other front"],
      ...[c.candidate, c.baseline].map((s) => [
        plainText(s.label),
        String(s.points.length),
        fmtNumber(s.hypervolume, 3),
        `${s.undominated} of ${s.points.length}`,
      ]),
    ],
    { align: ["l", "r", "r", "r"] },
  );
  const objectives = c.objectives.map((o) => `${o.goal} ${metricCode(o.metric)}`).join(", ");
  const about = `Objectives: ${objectives}. Hypervolume is the share of a box that a front dominates, the box spanning each objective from its best value on either front to its worst plus 10% of its range: larger is better.`;
  return `### ${title}\n\n${frontVerdictLine(c)}\n\n${noiseNote(c)}\n\n${table}\n\n${about}\n`;
}

/** "**Verdict: the front of this pull request dominates that of main (not confirmed)** — why". */
export function frontVerdictLine(c: FrontComparison): string {
  const [pr, base] = [plainText(c.candidate.label), plainText(c.baseline.label)];
  const unconfirmed = c.noise === "repeats" ? "" : " (not confirmed)";
  switch (c.verdict) {
    case "dominates":
      return `**Verdict: the front of ${pr} dominates that of ${base}${unconfirmed}** — each point of the front of ${base} is matched or beaten by one of ${pr}, which also has points beyond it.`;
    case "is dominated by":
      return `**Verdict: the front of ${pr} is dominated by that of ${base}${unconfirmed}** — each point of the front of ${pr} is matched or beaten by one of ${base}, which also has points beyond it.`;
    case "crosses":
      return `**Verdict: the fronts cross${unconfirmed}** — each is better in part of the trade-off: the front of ${pr} has points that none of ${base} matches, and the other way round.`;
    case "indistinguishable from":
      return `**Verdict: no significant difference between the fronts${unconfirmed}** — each point of either front is matched by one of the other${c.noise === "single" ? "" : " within the noise"}.`;
  }
}

function noiseNote(c: FrontComparison): string {
  const tested = `A point counts as better than another in an objective only when the ${fmtPct(c.confidence)}% interval for the difference of their runs excludes zero; points their runs cannot tell apart count as equal in it.`;
  const suggest = `Run with \`repeats: ${SUGGESTED_REPEATS}\` to tell a real gain from noise.`;
  if (c.noise === "repeats") return tested;
  if (c.noise === "single")
    return `One run each, so no noise estimate: the values alone decide, and the verdict is not confirmed. ${suggest}`;
  return `${tested} Some points are single runs: those are compared on their values alone, so the verdict is not confirmed. ${suggest}`;
}
