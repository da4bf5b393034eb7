/**
 * The suite's targets (issue #13), checked on a run's cells for each strategy
 * that learns: how many problems meet each, and which do not. Computed only
 * where the run has what a target needs (q = 4 for the first and last, q = 1 and
 * 8 for the batch one, peer numbers for the Optuna ones).
 */
import type { StrategyName } from "../src/strategy/registry.ts";
import type { Cell } from "./report.ts";

/** Strategies that do not learn: the baselines, not judged by the targets. */
export const NON_ADAPTIVE: ReadonlySet<StrategyName> = new Set<StrategyName>(["random", "sobol"]);

/** The batch size the issue states its targets at. */
export const TARGET_Q = 4;

export interface TargetRow {
  readonly target: string;
  /** How many problems must meet it: every one, or a share of them. */
  readonly need: "all" | number;
  readonly byStrategy: Partial<Record<StrategyName, TargetCount>>;
}

export interface TargetCount {
  readonly met: number;
  readonly of: number;
  /** The problems that miss it. */
  readonly failing: readonly string[];
  readonly ok: boolean;
}

function count(
  problems: readonly string[],
  meets: (problem: string) => boolean | undefined,
  need: "all" | number,
): TargetCount | undefined {
  const judged = problems.flatMap((p) => {
    const m = meets(p);
    return m === undefined ? [] : [{ p, m }];
  });
  if (judged.length === 0) return undefined;
  const met = judged.filter((j) => j.m).length;
  return {
    met,
    of: judged.length,
    failing: judged.filter((j) => !j.m).map((j) => j.p),
    ok: need === "all" ? met === judged.length : met >= need * judged.length,
  };
}

export function targetRows(cells: readonly Cell[], strategies: readonly StrategyName[]): TargetRow[] {
  const problems = [...new Set(cells.map((c) => c.problem))];
  const cell = (problem: string, q: number) => cells.find((c) => c.problem === problem && c.q === q);
  const learners = strategies.filter((s) => !NON_ADAPTIVE.has(s));
  const row = (
    target: string,
    need: "all" | number,
    meets: (s: StrategyName, problem: string) => boolean | undefined,
  ): TargetRow => ({
    target,
    need,
    byStrategy: Object.fromEntries(
      learners.flatMap((s) => {
        const c = count(problems, (p) => meets(s, p), need);
        return c ? [[s, c]] : [];
      }),
    ),
  });
  const median = (s: StrategyName, p: string, q: number) => cell(p, q)?.stats[s]?.median;
  const bestPeer = (p: string) => {
    const peers = cell(p, TARGET_Q)?.peers;
    return peers?.best ? peers.samplers[peers.best]?.median : undefined;
  };
  return [
    row(`90th percentile below random's median (q=${TARGET_Q}), every problem`, "all", (s, p) => {
      const c = cell(p, TARGET_Q);
      const p90 = c?.stats[s]?.p90;
      const base = c?.stats.random?.median;
      return p90 === undefined || base === undefined ? undefined : p90 < base;
    }),
    row("q=8 median within 1.5× of q=1, on 80% of problems", 0.8, (s, p) => {
      const one = median(s, p, 1);
      const eight = median(s, p, 8);
      return one === undefined || eight === undefined ? undefined : eight <= 1.5 * one;
    }),
    row(`median ≤ ¼ of the best Optuna sampler's (q=${TARGET_Q}), on 80% of problems`, 0.8, (s, p) => {
      const m = median(s, p, TARGET_Q);
      const peer = bestPeer(p);
      return m === undefined || peer === undefined ? undefined : m <= peer / 4;
    }),
    row(`median never above the best Optuna sampler's (q=${TARGET_Q})`, "all", (s, p) => {
      const m = median(s, p, TARGET_Q);
      const peer = bestPeer(p);
      return m === undefined || peer === undefined ? undefined : m <= peer;
    }),
  ];
}
