/**
 * Benchmark problems: standard test functions from the Bayesian-optimization
 * literature (Surjanovic & Bingham's virtual library) and the mixed
 * hyperparameter-like problem of ../shared/peers/TARGETS.md, each written as the
 * matrix-tune parameters a user would declare, so the strategies see exactly
 * the space (scales, integers, categories) that a real study gives them.
 */
import type { ConfigInput } from "../src/config/schema.ts";
import type { Params } from "../src/space/space.ts";

export interface Problem {
  readonly name: string;
  /** Trials per study (max_trials). */
  readonly budget: number;
  readonly parameters: ConfigInput["parameters"];
  /** The value to minimize. */
  readonly f: (p: Params) => number;
  /** The known minimum of f over the space. */
  readonly fStar: number;
  /** A configuration where f = fStar (the tests check it). */
  readonly optimum?: Params;
  /**
   * The standard deviation of Gaussian noise added to each observed value. The
   * study sees the noisy value; the regret is that of the noise-free value of
   * the trial it would recommend (the best observed so far).
   */
  readonly noise?: number;
}

export const num = (p: Params, name: string) => Number(p[name]);
export const floats = (names: readonly string[], min: number, max: number) =>
  Object.fromEntries(names.map((n) => [n, { type: "float" as const, min, max }]));

function branin(p: Params): number {
  const x1 = num(p, "x1");
  const x2 = num(p, "x2");
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const HARTMANN_ALPHA = [1, 1.2, 3, 3.2];

/** The Hartmann family: minus a sum of four Gaussian bumps with shapes A and centres P (scaled by 1e-4). */
export function hartmann(a: readonly (readonly number[])[], p: readonly (readonly number[])[]) {
  const centres = p.map((row) => row.map((v) => v * 1e-4));
  return (x: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < x.length; j++) inner += a[i]![j]! * (x[j]! - centres[i]![j]!) ** 2;
      s += HARTMANN_ALPHA[i]! * Math.exp(-inner);
    }
    return -s;
  };
}

const hartmann3 = hartmann(
  [
    [3, 10, 30],
    [0.1, 10, 35],
    [3, 10, 30],
    [0.1, 10, 35],
  ],
  [
    [3689, 1170, 2673],
    [4699, 4387, 7470],
    [1091, 8732, 5547],
    [381, 5743, 8828],
  ],
);

const X4 = ["x1", "x2", "x3", "x4"];
const X5 = ["x1", "x2", "x3", "x4", "x5"];

function rosenbrock4(p: Params): number {
  const x = X4.map((n) => num(p, n));
  let s = 0;
  for (let i = 0; i < 3; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (x[i]! - 1) ** 2;
  // Raw values span ten orders of magnitude; the log keeps the regret readable.
  return Math.log10(1 + s);
}

function ackley(x: readonly number[]): number {
  const d = x.length;
  const sq = x.reduce((s, v) => s + v * v, 0);
  const cos = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0);
  return -20 * Math.exp(-0.2 * Math.sqrt(sq / d)) - Math.exp(cos / d) + 20 + Math.E;
}

/**
 * ackley5's optimum is the centre of its box, which flatters any method that
 * samples the centre early (TARGETS.md); this copy moves it to an arbitrary
 * point well inside the box, off every coarse grid.
 */
const ACKLEY_SHIFT = [7.31, -11.42, 4.87, 15.63, -20.09];

const HPO_BASE_LR: Record<string, number> = { sgd: -1.0, adam: -3.0, rmsprop: -2.5 };
const HPO_OFFSET: Record<string, number> = { adam: 0.0, rmsprop: 0.03, sgd: 0.08 };

/** Exactly as defined in ../shared/peers/TARGETS.md. */
function hpoMixed(p: Params): number {
  const optimizer = String(p.optimizer);
  const nLayers = num(p, "n_layers");
  const batchLog2 = num(p, "batch_log2");
  const dropout = num(p, "dropout");
  const lrStar = HPO_BASE_LR[optimizer]! + 0.3 * (batchLog2 - 7);
  const d = Math.log10(num(p, "lr")) - lrStar;
  if (d > 1) return 0.9;
  const floor = 0.05 + HPO_OFFSET[optimizer]!;
  const s = 0.5 * d * d + 0.05 * (nLayers - 5) ** 2 + 0.03 * (batchLog2 - 6) ** 2 + 2 * (dropout - 0.05 * nLayers) ** 2;
  return floor + (0.9 - floor) * (1 - Math.exp(-s));
}

export const PROBLEMS: readonly Problem[] = [
  {
    name: "branin",
    budget: 40,
    parameters: { x1: { type: "float", min: -5, max: 10 }, x2: { type: "float", min: 0, max: 15 } },
    f: branin,
    fStar: 0.397887357729739,
  },
  {
    name: "hartmann3",
    budget: 50,
    parameters: floats(["x1", "x2", "x3"], 0, 1),
    f: (p) => hartmann3(["x1", "x2", "x3"].map((n) => num(p, n))),
    fStar: -3.8627797873326593,
  },
  { name: "rosenbrock4", budget: 80, parameters: floats(X4, -5, 10), f: rosenbrock4, fStar: 0 },
  {
    name: "ackley5",
    budget: 80,
    parameters: floats(X5, -32.768, 32.768),
    f: (p) => ackley(X5.map((n) => num(p, n))),
    fStar: 0,
  },
  {
    name: "ackley5_shifted",
    budget: 80,
    parameters: floats(X5, -32.768, 32.768),
    f: (p) => ackley(X5.map((n, i) => num(p, n) - ACKLEY_SHIFT[i]!)),
    fStar: 0,
  },
  {
    name: "hpo_mixed",
    budget: 60,
    parameters: {
      lr: { type: "float", min: 1e-5, max: 1, scale: "log" },
      n_layers: { type: "int", min: 1, max: 8 },
      optimizer: { type: "categorical", values: ["sgd", "adam", "rmsprop"] },
      batch_log2: { type: "int", min: 4, max: 9 },
      dropout: { type: "float", min: 0, max: 0.8 },
    },
    f: hpoMixed,
    fStar: 0.05,
  },
];
