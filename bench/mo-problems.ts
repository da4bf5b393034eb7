/**
 * Multi-objective benchmark problems: the four of ../shared/peers/MO_TARGETS.md
 * (ZDT1, ZDT2, DTLZ2, CONSTR, with its reference points) and three of our own
 * that the shared set lacks — three objectives, a constraint that cuts the
 * front into pieces, and a mixed, conditional space shaped like a real model
 * search — each written as the parameters, objectives and constraints a user
 * would declare.
 */
import type { ConfigInput } from "../src/config/schema.ts";
import { hypervolume } from "../src/pareto/hypervolume.ts";
import type { Params } from "../src/space/space.ts";
import { floats, num } from "./problems.ts";

export interface MoProblem {
  readonly name: string;
  /** Trials per study. */
  readonly budget: number;
  readonly parameters: ConfigInput["parameters"];
  readonly objective: ConfigInput["objective"];
  readonly constraints?: ConfigInput["constraints"];
  /** Every objective and constrained metric of a configuration. */
  readonly metrics: (p: Params) => Record<string, number>;
  /** The reference point, as losses (every objective minimised: a maximised one negated). */
  readonly reference: readonly number[];
  /** The true front's hypervolume w.r.t. the reference point. */
  readonly trueHv: () => number;
}

/** A true hypervolume computed on first use only: some take seconds, and most runs never need them. */
function once(compute: () => number): () => number {
  let value: number | undefined;
  return () => {
    value ??= compute();
    return value;
  };
}

const xs = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`);
const vector = (p: Params, n: number) => Array.from({ length: n }, (_, i) => num(p, `x${i}`));
const minimize = (first: string, ...rest: string[]): ConfigInput["objective"] => [
  { metric: first, goal: "minimize" },
  ...rest.map((metric) => ({ metric, goal: "minimize" as const })),
];

function zdt(name: string, shape: (r: number) => number, trueHv: number): MoProblem {
  return {
    name,
    budget: 100,
    parameters: floats(xs(6), 0, 1),
    objective: minimize("f1", "f2"),
    metrics(p) {
      const x = vector(p, 6);
      const g = 1 + (9 / 5) * x.slice(1).reduce((a, b) => a + b, 0);
      return { f1: x[0]!, f2: g * shape(x[0]! / g) };
    },
    reference: [11, 11],
    trueHv: () => trueHv,
  };
}

function dtlz2(objectives: number, trueHv: number): MoProblem {
  const names = Array.from({ length: objectives }, (_, i) => `f${i + 1}`);
  return {
    name: objectives === 2 ? "dtlz2" : `dtlz2_${objectives}d`,
    budget: 100,
    parameters: floats(xs(6), 0, 1),
    objective: minimize(names[0]!, ...names.slice(1)),
    metrics(p) {
      const x = vector(p, 6);
      const g = x.slice(objectives - 1).reduce((a, v) => a + (v - 0.5) ** 2, 0);
      return Object.fromEntries(
        names.map((n, i) => {
          let f = 1 + g;
          for (let j = 0; j < objectives - 1 - i; j++) f *= Math.cos((Math.PI / 2) * x[j]!);
          if (i > 0) f *= Math.sin((Math.PI / 2) * x[objectives - 1 - i]!);
          return [n, f];
        }),
      );
    },
    reference: names.map(() => 1.1),
    trueHv: () => trueHv,
  };
}

/** Deb et al.'s CONSTR: c ≤ 0 is feasible, declared as `{metric, max: 0}`. */
const constr: MoProblem = {
  name: "constr",
  budget: 100,
  parameters: { x0: { type: "float", min: 0.1, max: 1 }, x1: { type: "float", min: 0, max: 5 } },
  objective: minimize("f1", "f2"),
  constraints: [
    { metric: "c1", max: 0 },
    { metric: "c2", max: 0 },
  ],
  metrics(p) {
    const x0 = num(p, "x0");
    const x1 = num(p, "x1");
    return { f1: x0, f2: (1 + x1) / x0, c1: 6 - (x1 + 9 * x0), c2: 1 - (9 * x0 - x1) };
  },
  reference: [1.1, 9.8],
  trueHv: () => 5.190448275652,
};

/**
 * Tanaka's TNK: the objectives are the two variables, and a wavy constraint
 * leaves a front in several disconnected pieces — a constraint that cuts the
 * front, where a method must learn the limit rather than a smooth trade-off.
 */
function tnkFeasible(a: number, b: number): boolean {
  const c1 = a * a + b * b - 1 - 0.1 * Math.cos(16 * Math.atan2(a, b));
  return c1 >= 0 && (a - 0.5) ** 2 + (b - 0.5) ** 2 <= 0.5;
}
const TNK_REF = 1.2;
const tnk: MoProblem = {
  name: "tnk",
  budget: 100,
  parameters: floats(["a", "b"], 0, Math.PI),
  objective: minimize("f1", "f2"),
  constraints: [
    { metric: "c1", min: 0 },
    { metric: "c2", max: 0.5 },
  ],
  metrics(p) {
    const a = num(p, "a");
    const b = num(p, "b");
    return {
      f1: a,
      f2: b,
      c1: a * a + b * b - 1 - 0.1 * Math.cos(16 * Math.atan2(a, b)),
      c2: (a - 0.5) ** 2 + (b - 0.5) ** 2,
    };
  },
  reference: [TNK_REF, TNK_REF],
  // The feasible set is the objective space here: the area it dominates inside the box,
  // from the lowest feasible b at each a on a 1e-4 grid (accurate to about 2e-4).
  trueHv: once(() => {
    const h = 1e-4;
    const points: number[][] = [];
    for (let a = 0; a < TNK_REF; a += h)
      for (let b = 0; b < TNK_REF; b += h)
        if (tnkFeasible(a, b)) {
          points.push([a, b]);
          break;
        }
    return hypervolume(points, [TNK_REF, TNK_REF]);
  }),
};

/**
 * A model search of the kind users run: accuracy up, latency down. Log-scaled
 * learning rate, integer width and depth, an optimizer with a momentum that
 * exists only for SGD. SGD reaches higher accuracy but costs latency, so both
 * branches hold parts of the front. The error separates into the training
 * part (lr, optimizer, momentum) and the capacity part (width, depth), so the
 * true front is exact: every (optimizer, depth, width) at its best training part.
 */
const ADAM_BEST = 0.1;
const SGD_BEST = 0.07;
const capacity = (width: number, layers: number) => 0.6 / Math.sqrt(width) + 0.05 / layers;
const latency = (width: number, layers: number, sgd: boolean) => width / 512 + 0.1 * layers + (sgd ? 0.15 : 0);
const mixed: MoProblem = {
  name: "mixed_model",
  budget: 100,
  parameters: {
    lr: { type: "float", min: 1e-4, max: 1, scale: "log" },
    width: { type: "int", min: 16, max: 512, scale: "log" },
    layers: { type: "int", min: 1, max: 4 },
    optimizer: { type: "categorical", values: ["adam", "sgd"] },
    momentum: { type: "float", min: 0, max: 0.99, when: { optimizer: "sgd" } },
  },
  objective: [
    { metric: "accuracy", goal: "maximize" },
    { metric: "latency", goal: "minimize" },
  ],
  metrics(p) {
    const lr = Math.log10(num(p, "lr"));
    const sgd = p.optimizer === "sgd";
    const training = sgd
      ? SGD_BEST + (0.5 * (lr + 1.5) ** 2) / 4 + 0.3 * (num(p, "momentum") - 0.9) ** 2
      : ADAM_BEST + (0.5 * (lr + 3) ** 2) / 4;
    const width = num(p, "width");
    const layers = num(p, "layers");
    return { accuracy: 1 - training - capacity(width, layers), latency: latency(width, layers, sgd) };
  },
  reference: [-0.5, 1.6],
  trueHv: once(() => {
    const points: number[][] = [];
    for (const sgd of [false, true])
      for (let layers = 1; layers <= 4; layers++)
        for (let width = 16; width <= 512; width++)
          points.push([-(1 - (sgd ? SGD_BEST : ADAM_BEST) - capacity(width, layers)), latency(width, layers, sgd)]);
    return hypervolume(points, [-0.5, 1.6]);
  }),
};

/** The shared set of MO_TARGETS.md, with its true hypervolumes. */
export const SHARED_MO_PROBLEMS: readonly MoProblem[] = [
  zdt("zdt1", (r) => 1 - Math.sqrt(r), 121 - 1 / 3),
  zdt("zdt2", (r) => 1 - r * r, 121 - 2 / 3),
  dtlz2(2, 1.21 - Math.PI / 4),
  constr,
];

/** Ours: three objectives, a front cut by a constraint, a mixed conditional space. */
export const OWN_MO_PROBLEMS: readonly MoProblem[] = [dtlz2(3, 1.1 ** 3 - Math.PI / 6), tnk, mixed];

export const MO_PROBLEMS: readonly MoProblem[] = [...SHARED_MO_PROBLEMS, ...OWN_MO_PROBLEMS];
