/**
 * A synthetic learning-curve problem for the multi-fidelity benchmark: the
 * digits MLP is too slow for many seeds, this is instant. Six hyperparameters
 * of the kinds a user declares (log-scale float, int, float, categoricals),
 * a validation accuracy after each epoch, deterministic given the
 * configuration, the epoch and the seed.
 *
 * The final accuracy is a smooth function with a plateau and local optima:
 * - lr: each optimizer has its best log10(lr) (shifted by the batch size);
 *   more than a decade above it training diverges and the accuracy stays at
 *   chance (0.1), a plateau on a sixth of the lr range;
 * - optimizer: sgd has the highest ceiling but learns slowest, adam the
 *   fastest with a lower ceiling, rmsprop in between (three local optima);
 * - depth and dropout: two basins, shallow with little dropout and deep with
 *   more, the deep one 0.5 pp better;
 * - width: best around 256 units, wider overfits when dropout is low.
 *
 * Curves: acc(e) = a_final − gap·exp(−speed·e) − overfit·(1 − exp(−e/30)) + noise,
 * starting at chance. speed grows with the learning rate (up to the
 * optimizer's best and beyond, where the final accuracy falls again) and falls
 * with dropout, depth and batch size, so a short run favours fast learners
 * (adam, a high lr, no dropout) while the best configurations at 81 epochs are
 * slow starters: early rankings predict final ones only in part. The noise is
 * uniform in ±0.002 (bounded, so that "the best value any method found" cannot
 * run far ahead of the true optimum on a lucky draw).
 */
import type { ConfigInput } from "../src/config/schema.ts";
import type { Params } from "../src/space/space.ts";

export interface CurveProblem {
  readonly name: string;
  readonly parameters: ConfigInput["parameters"];
  /** The resource as the config declares it. */
  readonly resource: { name: string; min: number; max: number; eta: number };
  /** Validation accuracy after `epoch` epochs (epoch ≥ 1). */
  readonly accuracy: (p: Params, epoch: number, seed: number) => number;
}

const CHANCE = 0.1;
const NOISE = 0.002;
const OPTIMIZERS = {
  sgd: { logLr: -1.2, ceiling: 0.984, speed: 0.3 },
  rmsprop: { logLr: -2.6, ceiling: 0.981, speed: 0.35 },
  adam: { logLr: -3.0, ceiling: 0.978, speed: 0.45 },
} as const;
type Optimizer = keyof typeof OPTIMIZERS;

interface Shape {
  /** Accuracy the curve approaches. */
  final: number;
  /** How far below `final` the curve starts (at epoch 0). */
  gap: number;
  /** Per-epoch rate at which the gap to `final` closes. */
  speed: number;
  /** Accuracy lost to overfitting by the end of a long run. */
  overfit: number;
  diverged: boolean;
}

/** The noise-free curve's parameters for a configuration. */
export function curveShape(p: Params): Shape {
  const opt = OPTIMIZERS[String(p.optimizer) as Optimizer];
  if (!opt) throw new Error(`unknown optimizer ${String(p.optimizer)}`);
  const batch = Number(p.batch_size);
  const depth = Number(p.depth);
  const dropout = Number(p.dropout);
  const log2Width = Math.log2(Number(p.width));
  const d = Math.log10(Number(p.lr)) - (opt.logLr + 0.3 * Math.log2(batch / 64));
  if (d > 1) return { final: CHANCE, gap: 0, speed: 0, overfit: 0, diverged: true };

  const shallow = 0.004 + 0.003 * (depth - 2) ** 2 + 0.06 * (dropout - 0.1) ** 2;
  const deep = 0.003 * (depth - 5) ** 2 + 0.06 * (dropout - 0.35) ** 2;
  const s = 0.006 * d * d + 0.001 * (log2Width - 8) ** 2 + Math.min(shallow, deep);
  const final = CHANCE + (opt.ceiling - CHANCE) * Math.exp(-s);

  // A learning rate above the best one learns faster at first (and ends worse); below, slower.
  const lrFactor = 10 ** (0.45 * Math.max(-2.5, Math.min(0.8, d)));
  const speed =
    (opt.speed * lrFactor * (1 - 0.4 * dropout)) / (1 + 0.05 * (depth - 1)) / Math.sqrt(Math.sqrt(batch / 64));
  // How far below its final accuracy a configuration starts (as a share of final − chance).
  const gap = (final - CHANCE) * (0.1 + 0.15 * dropout + 0.015 * (depth - 1));
  const overfit = 0.02 * Math.max(0, 1 - dropout / 0.2) * Math.max(0, (log2Width - 5) / 4);
  return { final, gap, speed, overfit, diverged: false };
}

/** The noise-free accuracy after `epoch` epochs. */
export function meanAccuracy(p: Params, epoch: number): number {
  const c = curveShape(p);
  if (c.diverged) return CHANCE;
  return c.final - c.gap * Math.exp(-c.speed * epoch) - c.overfit * (1 - Math.exp(-epoch / 30));
}

export function curveAccuracy(p: Params, epoch: number, seed: number): number {
  const key = `${seed}|${epoch}|${Object.keys(p)
    .sort()
    .map((k) => `${k}=${String(p[k])}`)
    .join(",")}`;
  return meanAccuracy(p, epoch) + NOISE * (2 * unitHash(key) - 1);
}

/** A deterministic number in [0, 1) from a string (FNV-1a, then a 32-bit finaliser). */
function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

export const CURVES: CurveProblem = {
  name: "curves",
  parameters: {
    lr: { type: "float", min: 1e-5, max: 1, scale: "log" },
    optimizer: { type: "categorical", values: ["sgd", "adam", "rmsprop"] },
    depth: { type: "int", min: 1, max: 6 },
    width: { type: "int", min: 16, max: 1024, scale: "log" },
    dropout: { type: "float", min: 0, max: 0.6 },
    batch_size: { type: "categorical", values: [32, 64, 128, 256] },
  },
  resource: { name: "epochs", min: 1, max: 81, eta: 3 },
  accuracy: curveAccuracy,
};
