/**
 * The wider benchmark of issue #13: standard test functions (Surjanovic &
 * Bingham's virtual library) that the methods were not tuned on, chosen for the
 * kinds of landscape they cover, each a moved copy (moves.ts) so that no
 * optimum sits at the centre, on a grid point or on a face; plus a noisy
 * variant at two levels, an integer and categorical mix, and a conditional
 * space. Raw values of the valley functions span many orders of magnitude, so
 * they are scored as log10(1 + f), as rosenbrock4 is.
 */

import type { Params } from "../src/space/space.ts";
import { createRng } from "../src/util/rng.ts";
import { moved, offCentreFractions } from "./moves.ts";
import { floats, hartmann, num, type Problem } from "./problems.ts";

type Vec = readonly number[];
const sum = (z: Vec, term: (v: number, i: number) => number) => z.reduce((s, v, i) => s + term(v, i), 0);
const names = (d: number) => Array.from({ length: d }, (_, i) => `x${i + 1}`);
const vector = (p: Params, d: number) => names(d).map((n) => num(p, n));
const log1p10 = (g: (z: Vec) => number) => (z: Vec) => Math.log10(1 + g(z));

const rastrigin = (z: Vec) => 10 * z.length + sum(z, (v) => v * v - 10 * Math.cos(2 * Math.PI * v));
const styblinskiTang = (z: Vec) => 0.5 * sum(z, (v) => v ** 4 - 16 * v * v + 5 * v);
const michalewicz = (z: Vec) => -sum(z, (v, i) => Math.sin(v) * Math.sin(((i + 1) * v * v) / Math.PI) ** 20);
const easom = (z: Vec) =>
  -Math.cos(z[0]!) * Math.cos(z[1]!) * Math.exp(-((z[0]! - Math.PI) ** 2) - (z[1]! - Math.PI) ** 2);
const rosenbrock = (z: Vec) => sum(z.slice(0, -1), (v, i) => 100 * (z[i + 1]! - v * v) ** 2 + (v - 1) ** 2);
const dixonPrice = (z: Vec) => (z[0]! - 1) ** 2 + sum(z.slice(1), (v, i) => (i + 2) * (2 * v * v - z[i]!) ** 2);
const griewank = (z: Vec) =>
  1 + sum(z, (v) => v * v) / 4000 - z.reduce((prod, v, i) => prod * Math.cos(v / Math.sqrt(i + 1)), 1);
const step = (z: Vec) => sum(z, (v) => Math.floor(v + 0.5) ** 2);

function levy(z: Vec): number {
  const w = z.map((v) => 1 + (v - 1) / 4);
  const last = w[w.length - 1]!;
  return (
    Math.sin(Math.PI * w[0]!) ** 2 +
    sum(w.slice(0, -1), (v) => (v - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * v + 1) ** 2)) +
    (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2)
  );
}

const hartmann6 = hartmann(
  [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
  ],
  [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
  ],
);
const HARTMANN6_ARGMIN = [0.20168951, 0.15001069, 0.47687398, 0.27533243, 0.31165162, 0.65730053];

/** A float problem in the box [min, max]^d whose value is `f` of the coordinates. */
function inBox(
  name: string,
  budget: number,
  box: { readonly min: number; readonly max: number },
  m: { readonly f: (x: Vec) => number; readonly optimum: Vec },
  fStar: number,
): Problem {
  const d = m.optimum.length;
  return {
    name,
    budget,
    parameters: floats(names(d), box.min, box.max),
    f: (p) => m.f(vector(p, d)),
    fStar,
    optimum: Object.fromEntries(names(d).map((n, i) => [n, m.optimum[i]!])),
  };
}

/** A moved, and with `rotate` turned, copy of g (minimiser zStar, minimum fStar) in [min, max]^d. */
function movedProblem(
  name: string,
  budget: number,
  box: { readonly min: number; readonly max: number },
  g: (z: Vec) => number,
  zStar: Vec,
  fStar: number,
  seed: number,
  rotate: boolean,
): Problem {
  return inBox(name, budget, box, moved(g, zStar, box, seed, rotate), fStar);
}

const ST_ARGMIN = -2.903534027771178;
/**
 * Styblinski–Tang keeps its 2^d local minima only if each coordinate's range
 * holds both of its minima (-2.90 and 2.75): a plain shift would cut one off.
 * So each coordinate is mirrored or not (seeded), and the optimum moved by up to
 * 0.6 inward, which keeps both in range.
 */
function styblinskiTangMoved(d: number, seed: number) {
  const rng = createRng(seed, d);
  const sign = Array.from({ length: d }, () => (rng.next() < 0.5 ? -1 : 1));
  const optimum = sign.map((s) => -s * (2.3 + 1.2 * rng.next()));
  return {
    f: (x: Vec) => styblinskiTang(x.map((v, i) => sign[i]! * (v - optimum[i]!) + ST_ARGMIN)),
    optimum,
  };
}

/**
 * Michalewicz's optimum has a coordinate at exactly π/2, the centre of [0, π].
 * Each term is 0 at both ends of [0, π], so a cyclic shift of each coordinate
 * keeps the function continuous: that moves the optimum without cutting the box.
 */
function michalewiczMoved(d: number, seed: number) {
  const wrap = (v: number) => ((v % Math.PI) + Math.PI) % Math.PI;
  // Each coordinate's minimiser, found by a fine scan and a golden-section refinement.
  const zStar = Array.from({ length: d }, (_, i) => argmin1d((v) => michalewicz([...Array(i).fill(0), v]), 0, Math.PI));
  const optimum = offCentreFractions(d, seed).map((u) => u * Math.PI);
  const shift = zStar.map((z, i) => z - optimum[i]!);
  return { f: (x: Vec) => michalewicz(x.map((v, i) => wrap(v + shift[i]!))), optimum };
}

function argmin1d(h: (v: number) => number, lo: number, hi: number): number {
  const n = 20000;
  let best = lo;
  for (let k = 0; k <= n; k++) {
    const v = lo + ((hi - lo) * k) / n;
    if (h(v) < h(best)) best = v;
  }
  let a = Math.max(lo, best - (hi - lo) / n);
  let b = Math.min(hi, best + (hi - lo) / n);
  const r = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 100; it++) {
    const c = b - r * (b - a);
    const e = a + r * (b - a);
    if (h(c) < h(e)) b = e;
    else a = c;
  }
  return (a + b) / 2;
}

const ones = (d: number) => Array<number>(d).fill(1);
const zeros = (d: number) => Array<number>(d).fill(0);
const dixonPriceArgmin = (d: number) => Array.from({ length: d }, (_, i) => 2 ** -((2 ** (i + 1) - 2) / 2 ** (i + 1)));

const hartmann6Shifted = movedProblem(
  "hartmann6_shifted",
  80,
  { min: 0, max: 1 },
  hartmann6,
  HARTMANN6_ARGMIN,
  -3.322368011415511,
  1306,
  false,
);

/** The same problem observed through Gaussian noise of standard deviation sd. */
const noisy = (p: Problem, level: string, sd: number): Problem => ({
  ...p,
  name: `${p.name}_noise_${level}`,
  noise: sd,
});

/**
 * Integers and a categorical: Levy in five dimensions, three float and two
 * integer, where each activation function moves the floats' optimum and adds its
 * own floor, so the best category cannot be found apart from the floats.
 */
const ACTIVATIONS = ["relu", "tanh", "gelu", "swish"] as const;
const ACT_FLOOR: Record<string, number> = { relu: 0.6, tanh: 0.3, gelu: 0, swish: 0.9 };
const ACT_OPTIMUM = Object.fromEntries(
  ACTIVATIONS.map((a, k) => [a, offCentreFractions(3, 1320 + k).map((u) => -10 + 20 * u)]),
);
const INT_OPTIMUM = [3, -4];
function mixedIntCat(p: Params): number {
  const act = String(p.act);
  const floatsZ = ["x1", "x2", "x3"].map((n, i) => num(p, n) - ACT_OPTIMUM[act]![i]! + 1);
  const intsZ = ["n1", "n2"].map((n, i) => num(p, n) - INT_OPTIMUM[i]! + 1);
  return ACT_FLOOR[act]! + levy([...floatsZ, ...intsZ]);
}

/**
 * A conditional space, like choosing a model and its own hyperparameters
 * (CASH): each model's parameters exist only when it is chosen (`when:`), each
 * model has its own floor, and the best model's optimum is off-centre in every
 * one of its parameters. Shaped like hpo_mixed: floor + (1 − floor)(1 − e^−S).
 */
function conditional(p: Params): number {
  const model = String(p.model);
  const lg = (n: string) => Math.log10(num(p, n));
  const lg2 = (n: string) => Math.log2(num(p, n));
  const floor = { linear: 0.15, tree: 0.08, net: 0.05 }[model]!;
  let s: number;
  if (model === "linear") s = 0.3 * (lg("alpha") + 2.7) ** 2 + 4 * (num(p, "l1_ratio") - 0.37) ** 2;
  else if (model === "tree") s = 0.04 * (num(p, "depth") - 7) ** 2 + 0.3 * (lg2("min_leaf") - 3.3) ** 2;
  else {
    // The best learning rate moves with the width, as it does in real networks.
    const lrStar = -2.6 - 0.4 * (lg2("width") - Math.log2(168));
    s =
      0.5 * (lg("lr") - lrStar) ** 2 + 0.3 * (lg2("width") - Math.log2(168)) ** 2 + 3 * (num(p, "dropout") - 0.23) ** 2;
  }
  return floor + (1 - floor) * (1 - Math.exp(-s));
}

export const SUITE: readonly Problem[] = [
  // Separable and multimodal: a grid of local minima, 2^d of them for Styblinski–Tang.
  movedProblem("rastrigin5_shifted", 80, { min: -5.12, max: 5.12 }, rastrigin, zeros(5), 0, 1301, false),
  inBox("styblinski_tang6_mirrored", 80, { min: -5, max: 5 }, styblinskiTangMoved(6, 1302), -39.16616570377142 * 6),
  // Flat plateaus with narrow basins.
  inBox("michalewicz5_shifted", 80, { min: 0, max: Math.PI }, michalewiczMoved(5, 1303), -4.687658179088144),
  movedProblem("easom2_shifted_rotated", 40, { min: -20, max: 20 }, easom, [Math.PI, Math.PI], -1, 1304, true),
  // Long curved valleys.
  movedProblem("rosenbrock8_shifted_rotated", 100, { min: -5, max: 10 }, log1p10(rosenbrock), ones(8), 0, 1305, true),
  movedProblem(
    "dixon_price10_shifted_rotated",
    100,
    { min: -10, max: 10 },
    log1p10(dixonPrice),
    dixonPriceArgmin(10),
    0,
    1307,
    true,
  ),
  // Ridges and bowls.
  movedProblem("levy6_shifted_rotated", 80, { min: -10, max: 10 }, levy, ones(6), 0, 1308, true),
  movedProblem("griewank8_shifted_rotated", 100, { min: -600, max: 600 }, griewank, zeros(8), 0, 1309, true),
  hartmann6Shifted,
  // Plateaus and discontinuities.
  movedProblem("step5_shifted_rotated", 80, { min: -5.12, max: 5.12 }, step, zeros(5), 0, 1310, true),
  // Noise at two levels (about 1.5% and 7.5% of Hartmann6's range of values).
  noisy(hartmann6Shifted, "low", 0.05),
  noisy(hartmann6Shifted, "high", 0.25),
  {
    name: "mixed_int_cat",
    budget: 80,
    parameters: {
      ...floats(["x1", "x2", "x3"], -10, 10),
      n1: { type: "int", min: -10, max: 10 },
      n2: { type: "int", min: -10, max: 10 },
      act: { type: "categorical", values: [...ACTIVATIONS] },
    },
    f: mixedIntCat,
    fStar: 0,
    optimum: {
      x1: ACT_OPTIMUM.gelu![0]!,
      x2: ACT_OPTIMUM.gelu![1]!,
      x3: ACT_OPTIMUM.gelu![2]!,
      n1: 3,
      n2: -4,
      act: "gelu",
    },
  },
  {
    name: "conditional",
    budget: 60,
    parameters: {
      model: { type: "categorical", values: ["linear", "tree", "net"] },
      alpha: { type: "float", min: 1e-6, max: 100, scale: "log", when: { model: "linear" } },
      l1_ratio: { type: "float", min: 0, max: 1, when: { model: "linear" } },
      depth: { type: "int", min: 1, max: 16, when: { model: "tree" } },
      min_leaf: { type: "int", min: 1, max: 64, scale: "log", when: { model: "tree" } },
      lr: { type: "float", min: 1e-5, max: 1, scale: "log", when: { model: "net" } },
      width: { type: "int", min: 8, max: 512, scale: "log", when: { model: "net" } },
      dropout: { type: "float", min: 0, max: 0.7, when: { model: "net" } },
    },
    f: conditional,
    fStar: 0.05,
    optimum: { model: "net", lr: 10 ** -2.6, width: 168, dropout: 0.23 },
  },
];
