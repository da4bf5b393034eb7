/**
 * Pairs of related problems for the warm-start benchmark (issue #14): a source
 * problem, whose study plays the base branch's, and a target, whose study
 * warm-starts from it. Each target is a known transformation of a benchmark
 * problem, so its optimum (and so the regret) stays known.
 */
import type { Params } from "../src/space/space.ts";
import { floats, num, PROBLEMS, type Problem } from "./problems.ts";

export interface WarmPair {
  readonly name: string;
  /** How source and target are related, for the report. */
  readonly relation: string;
  /** The control: a source that says nothing about the target. */
  readonly control: boolean;
  readonly source: Problem;
  readonly target: Problem;
}

const problem = (name: string): Problem => PROBLEMS.find((p) => p.name === name)!;

/** The same landscape moved by `delta` (in each parameter's units): an optimum inside the box stays inside. */
function shifted(p: Problem, delta: Record<string, number>): Problem {
  const f = (x: Params) => p.f(Object.fromEntries(Object.keys(x).map((k) => [k, num(x, k) - (delta[k] ?? 0)])));
  return { ...p, name: `${p.name}_shifted`, f };
}

/** The same landscape with values c·f + d. */
function rescaled(p: Problem, c: number, d: number): Problem {
  return { ...p, name: `${p.name}_rescaled`, f: (x) => c * p.f(x) + d, fStar: c * p.fStar + d };
}

/** hpo_mixed with the best learning rate `factor` times higher; the other parameters' optima stay. */
function lrMoved(p: Problem, factor: number): Problem {
  return { ...p, name: `${p.name}_lr_moved`, f: (x) => p.f({ ...x, lr: num(x, "lr") / factor }) };
}

/** An Ackley bowl in hartmann3's box with its optimum far from hartmann3's: a source unrelated to it. */
const ACKLEY_CENTRE = [0.85, 0.15, 0.3];
const X3 = ["x1", "x2", "x3"];
const ackleyInBox: Problem = {
  name: "ackley3_box",
  budget: 50,
  parameters: floats(X3, 0, 1),
  f: (x) => {
    const z = X3.map((n, i) => 10 * (num(x, n) - ACKLEY_CENTRE[i]!));
    const sq = z.reduce((s, v) => s + v * v, 0) / 3;
    const cos = z.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / 3;
    return -20 * Math.exp(-0.2 * Math.sqrt(sq)) - Math.exp(cos) + 20 + Math.E;
  },
  fStar: 0,
};

const hartmann3 = problem("hartmann3");

export const WARM_PAIRS: readonly WarmPair[] = [
  {
    name: "shifted",
    relation: "hartmann3 → the same landscape moved by 0.04 in every coordinate",
    control: false,
    source: hartmann3,
    target: shifted(hartmann3, { x1: 0.04, x2: -0.04, x3: 0.04 }),
  },
  {
    name: "rescaled",
    relation: "branin → 3·branin + 10",
    control: false,
    source: problem("branin"),
    target: rescaled(problem("branin"), 3, 10),
  },
  {
    name: "moved",
    relation: "hpo_mixed → its best learning rate 3× higher (one parameter's optimum moved)",
    control: false,
    source: problem("hpo_mixed"),
    target: lrMoved(problem("hpo_mixed"), 3),
  },
  {
    name: "unrelated",
    relation: "an Ackley bowl with its optimum at (0.85, 0.15, 0.3) → hartmann3 (control)",
    control: true,
    source: ackleyInBox,
    target: hartmann3,
  },
];

export function warmPairNamed(name: string): WarmPair {
  const pair = WARM_PAIRS.find((p) => p.name === name);
  if (!pair) throw new Error(`no warm-start pair "${name}"; pairs: ${WARM_PAIRS.map((p) => p.name).join(", ")}`);
  return pair;
}
