#!/usr/bin/env node
/**
 * digits-mlp: a small, dependency-free multilayer perceptron trained with mini-batch SGD
 * on the UCI 8x8 handwritten digits (1797 samples, 64 pixels valued 0..16, 10 classes;
 * data/digits.csv.gz). It is the example workload that matrix-tune runs as a child
 * process: one run = one trial. Node >= 20, built-in modules only, single-threaded and
 * deterministic for a given --seed.
 *
 * Flags (all optional; unknown flag or bad value -> message on stderr, exit code 2):
 *   --lr 0.01          learning rate; epoch e (0-based) uses lr / (1 + lr-decay * e)
 *   --lr-decay 0       learning-rate decay
 *   --momentum 0       SGD momentum (classical, in [0, 1))
 *   --layers 1         number of hidden layers (0 = softmax regression)
 *   --nodes 32         units per hidden layer
 *   --batch-size 32    mini-batch size
 *   --epochs 10        passes over the training data
 *   --activation relu  relu | tanh
 *   --l2 0             L2 weight decay (on weights, not biases)
 *   --seed N           initialisation and shuffling seed (default: $TUNE_SEED, else 0)
 *   --folds 0          0: one fixed stratified 80/20 train/validation split;
 *                      k >= 2: stratified k-fold cross-validation, metrics are fold means
 *   --fold i           with --folds k: train only fold i (default: $TUNE_FOLD if set)
 * The train/validation partition is fixed (independent of --seed), so --seed only
 * changes the initial weights and the mini-batch order.
 *
 * stdout: after each epoch exactly one line, e.g.
 *   epoch=3 train_loss=0.4123 val_loss=0.3012 val_accuracy=0.9472
 * (name=value pairs, up to 6 significant digits; with --folds k and no --fold, the mean
 * over folds), then `final val_accuracy=... val_loss=...`. A value that is not finite
 * (a diverged model) is left out of the line. Diagnostics go to stderr.
 *
 * Environment:
 *   TUNE_SEED            default for --seed
 *   TUNE_FOLD            default for --fold (used only together with --folds k >= 2)
 *   TUNE_METRICS_FILE    if set, final metrics are written there as JSON:
 *                        {"val_accuracy","val_loss","train_loss","epochs","train_seconds","weights"}
 *                        (+ "val_accuracy_std","folds" with k-fold, "fold" with --fold,
 *                        "diverged": true if training diverged; non-finite values omitted)
 *   TUNE_CHECKPOINT_DIR  if set, $TUNE_CHECKPOINT_DIR/checkpoint.json is written
 *                        atomically after each epoch (weights, momentum, epoch, RNG state);
 *                        a later run with the same flags except --epochs resumes from it
 *                        and trains only the remaining epochs (`resumed from epoch=N` on
 *                        stderr). A resumed run gives exactly the same numbers as one
 *                        uninterrupted run.
 *
 * If the training loss becomes NaN/Infinity, training stops, "diverged at epoch N" goes
 * to stderr, and the run still exits 0 with whatever metrics the model has.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

const N_IN = 64;
const N_OUT = 10;
/** Seed of the fixed train/validation partition (independent of --seed). */
const SPLIT_SEED = 1998;
const CHECKPOINT_VERSION = 1;

// ---------------------------------------------------------------------------------------
// Command line

/** Numeric flags: hyperparameter key, default, and valid range. */
const NUMERIC = {
  lr: { key: "lr", default: 0.01, min: 0, max: 10, minExclusive: true },
  "lr-decay": { key: "lrDecay", default: 0, min: 0, max: 100 },
  momentum: { key: "momentum", default: 0, min: 0, max: 0.999 },
  layers: { key: "layers", default: 1, min: 0, max: 8, integer: true },
  nodes: { key: "nodes", default: 32, min: 1, max: 1024, integer: true },
  "batch-size": { key: "batchSize", default: 32, min: 1, max: 2048, integer: true },
  epochs: { key: "epochs", default: 10, min: 1, max: 1000, integer: true },
  l2: { key: "l2", default: 0, min: 0, max: 1 },
  seed: { key: "seed", default: 0, min: 0, max: 4294967295, integer: true },
  folds: { key: "folds", default: 0, min: 0, max: 20, integer: true },
};
const FOLDS_RANGE = "0 or an integer in [2, 20]";

function describe(spec) {
  const kind = spec.integer ? "an integer" : "a number";
  return `${kind} in ${spec.minExclusive ? "(" : "["}${spec.min}, ${spec.max}]`;
}

const USAGE = [
  "usage: node train.mjs [flags]   (all optional)",
  ...Object.entries(NUMERIC).map(
    ([flag, spec]) =>
      `  --${flag.padEnd(11)} ${flag === "folds" ? FOLDS_RANGE : describe(spec)}, default ${
        flag === "seed" ? "$TUNE_SEED or 0" : spec.default
      }`,
  ),
  "  --activation  relu | tanh, default relu",
  "  --fold        an integer in [0, folds-1] (needs --folds), default $TUNE_FOLD if set",
].join("\n");

class UsageError extends Error {}

function parseNumber(name, raw, spec) {
  const text = String(raw).trim();
  const value = text === "" ? Number.NaN : Number(text);
  const ok =
    Number.isFinite(value) &&
    (!spec.integer || Number.isInteger(value)) &&
    (spec.minExclusive ? value > spec.min : value >= spec.min) &&
    value <= spec.max;
  if (!ok) throw new UsageError(`invalid ${name} '${raw}': expected ${describe(spec)}`);
  return value;
}

function parseCli(argv, env) {
  const options = { activation: { type: "string" }, fold: { type: "string" } };
  for (const flag of Object.keys(NUMERIC)) options[flag] = { type: "string" };
  options.help = { type: "boolean", short: "h" };
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const flag = /'--([a-z0-9-]+)/.exec(message)?.[1];
    if (err?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new UsageError(`unknown flag '--${flag ?? message}'`);
    }
    if (flag && NUMERIC[flag]) {
      // e.g. a missing or dash-prefixed value ("--lr-decay -1")
      const why = message.split("\n")[0];
      throw new UsageError(`invalid --${flag}: expected ${describe(NUMERIC[flag])} (${why})`);
    }
    throw new UsageError(message);
  }
  if (values.help) return null;

  const hp = { activation: values.activation ?? "relu", fold: null };
  if (hp.activation !== "relu" && hp.activation !== "tanh") {
    throw new UsageError(`invalid --activation '${hp.activation}': expected relu or tanh`);
  }
  for (const [flag, spec] of Object.entries(NUMERIC)) {
    hp[spec.key] = values[flag] === undefined ? spec.default : parseNumber(`--${flag}`, values[flag], spec);
  }
  if (values.seed === undefined && env.TUNE_SEED !== undefined && env.TUNE_SEED !== "") {
    hp.seed = parseNumber("TUNE_SEED", env.TUNE_SEED, NUMERIC.seed);
  }
  if (hp.folds === 1) throw new UsageError(`invalid --folds '1': expected ${FOLDS_RANGE}`);
  const foldSpec = { min: 0, max: Math.max(hp.folds - 1, 0), integer: true };
  if (values.fold !== undefined) {
    if (hp.folds < 2) throw new UsageError("--fold needs --folds K with K >= 2");
    hp.fold = parseNumber("--fold", values.fold, foldSpec);
  } else if (env.TUNE_FOLD !== undefined && env.TUNE_FOLD !== "") {
    if (hp.folds >= 2) hp.fold = parseNumber("TUNE_FOLD", env.TUNE_FOLD, foldSpec);
    else process.stderr.write("note: TUNE_FOLD is ignored without --folds K (K >= 2)\n");
  }
  // Fixed key order, so checkpoints can compare hyperparameters as JSON text.
  const order = ["lr", "lrDecay", "momentum", "layers", "nodes", "batchSize", "epochs"];
  order.push("activation", "l2", "seed", "folds", "fold");
  return Object.fromEntries(order.map((k) => [k, hp[k]]));
}

// ---------------------------------------------------------------------------------------
// Random numbers: mulberry32 (state = one uint32, so it is trivial to checkpoint)

class Rng {
  constructor(state) {
    this.state = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box-Muller, no cached spare so the state stays one number). */
  normal() {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  shuffle(a) {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** Murmur3 finaliser, to derive independent stream seeds from (seed, key). */
function mixSeed(seed, key) {
  let x = (seed ^ Math.imul(key + 1, 0x9e3779b9)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

// ---------------------------------------------------------------------------------------
// Data

function loadDigits() {
  const file = new URL("./data/digits.csv.gz", import.meta.url);
  const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n");
  const rows = lines.filter((l) => l.trim() !== "");
  const n = rows.length;
  const x = new Float64Array(n * N_IN);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const cells = rows[r].split(",");
    if (cells.length !== N_IN + 1) throw new Error(`digits.csv.gz line ${r + 1}: bad width`);
    for (let i = 0; i < N_IN; i++) x[r * N_IN + i] = Number(cells[i]) / 16;
    const label = Number(cells[N_IN]);
    if (!Number.isInteger(label) || label < 0 || label >= N_OUT) {
      throw new Error(`digits.csv.gz line ${r + 1}: bad label`);
    }
    y[r] = label;
  }
  return { x, y, n };
}

/**
 * Fixed stratified partition: returns, for each sample, its part in [0, parts).
 * parts = 5 gives the 80/20 split (part 0 = validation).
 */
function stratifiedParts(y, parts) {
  const rng = new Rng(SPLIT_SEED);
  const part = new Int32Array(y.length);
  let offset = 0;
  for (let c = 0; c < N_OUT; c++) {
    const idx = [];
    for (let i = 0; i < y.length; i++) if (y[i] === c) idx.push(i);
    rng.shuffle(idx);
    for (let p = 0; p < idx.length; p++) part[idx[p]] = (p + offset) % parts;
    offset = (offset + idx.length) % parts;
  }
  return part;
}

/** Returns [{train: Int32Array, val: Int32Array, key}] for the requested folds. */
function makeSplits(data, hp) {
  const parts = hp.folds >= 2 ? hp.folds : 5;
  const part = stratifiedParts(data.y, parts);
  const foldIds = hp.folds >= 2 ? (hp.fold !== null ? [hp.fold] : [...Array(hp.folds).keys()]) : [0];
  return foldIds.map((f) => {
    const train = [];
    const val = [];
    for (let i = 0; i < data.n; i++) (part[i] === f ? val : train).push(i);
    return { train: Int32Array.from(train), val: Int32Array.from(val), key: f };
  });
}

// ---------------------------------------------------------------------------------------
// Model: dense layers, weights stored (in, out) row-major so the inner loops run over
// contiguous outputs.

function layerSizes(hp) {
  return [N_IN, ...Array(hp.layers).fill(hp.nodes), N_OUT];
}

/** Weights and biases of the model: what it costs to store and, roughly, to run. */
function weightCount(hp) {
  const sizes = layerSizes(hp);
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += (sizes[l] + 1) * sizes[l + 1];
  return n;
}

function createModel(hp, rng) {
  const sizes = layerSizes(hp);
  const W = [];
  const b = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const last = l + 2 === sizes.length;
    // He init for ReLU layers, Xavier (Glorot normal) for tanh and the softmax layer.
    const std = !last && hp.activation === "relu" ? Math.sqrt(2 / nin) : Math.sqrt(2 / (nin + nout));
    const w = new Float64Array(nin * nout);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    W.push(w);
    b.push(new Float64Array(nout));
  }
  return {
    sizes,
    W,
    b,
    vW: W.map((w) => new Float64Array(w.length)),
    vB: b.map((v) => new Float64Array(v.length)),
  };
}

/** Scratch buffers for a batch of up to `rows` samples. */
function createWork(sizes, rows) {
  return {
    rows,
    A: sizes.map((s) => new Float64Array(rows * s)), // activations (A[last] = softmax)
    D: sizes.map((s) => new Float64Array(rows * s)), // gradients w.r.t. pre-activations
    gW: sizes.slice(0, -1).map((s, l) => new Float64Array(s * sizes[l + 1])),
    gB: sizes.slice(1).map((s) => new Float64Array(s)),
  };
}

/** y[yo .. yo+n) += a * x[xo .. xo+n) (unrolled by 4). */
function axpy(y, yo, a, x, xo, n) {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    y[yo + j] += a * x[xo + j];
    y[yo + j + 1] += a * x[xo + j + 1];
    y[yo + j + 2] += a * x[xo + j + 2];
    y[yo + j + 3] += a * x[xo + j + 3];
  }
  for (; j < n; j++) y[yo + j] += a * x[xo + j];
}

/** Dot product of x[xo .. xo+n) and y[yo .. yo+n) (four accumulators). */
function dot(x, xo, y, yo, n) {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += x[xo + j] * y[yo + j];
    s1 += x[xo + j + 1] * y[yo + j + 1];
    s2 += x[xo + j + 2] * y[yo + j + 2];
    s3 += x[xo + j + 3] * y[yo + j + 3];
  }
  for (; j < n; j++) s0 += x[xo + j] * y[yo + j];
  return s0 + s1 + (s2 + s3);
}

/**
 * Forward pass over samples idx[start..start+bs). Leaves softmax probabilities in
 * work.A[last] and returns the summed cross-entropy loss (and correct count in `out`).
 */
function forward(model, work, data, idx, start, bs, relu, out) {
  const { sizes, W, b } = model;
  const { A } = work;
  const x = data.x;
  const a0 = A[0];
  for (let r = 0; r < bs; r++) {
    const src = idx[start + r] * N_IN;
    const dst = r * N_IN;
    for (let i = 0; i < N_IN; i++) a0[dst + i] = x[src + i];
  }
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const ain = A[l];
    const z = A[l + 1];
    const w = W[l];
    const bias = b[l];
    const hidden = l + 1 < L;
    for (let r = 0; r < bs; r++) {
      const zo = r * nout;
      const ao = r * nin;
      for (let j = 0; j < nout; j++) z[zo + j] = bias[j];
      for (let i = 0; i < nin; i++) {
        const a = ain[ao + i];
        if (a === 0) continue;
        axpy(z, zo, a, w, i * nout, nout);
      }
      if (hidden) {
        if (relu) {
          for (let j = 0; j < nout; j++) if (!(z[zo + j] > 0)) z[zo + j] = 0;
        } else {
          for (let j = 0; j < nout; j++) z[zo + j] = Math.tanh(z[zo + j]);
        }
      }
    }
  }
  // Softmax + cross-entropy (log-sum-exp form, finite unless the logits are not).
  const p = A[L];
  const y = data.y;
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < bs; r++) {
    const o = r * N_OUT;
    let m = Number.NEGATIVE_INFINITY;
    let arg = -1;
    for (let j = 0; j < N_OUT; j++) {
      if (p[o + j] > m) {
        m = p[o + j];
        arg = j;
      }
    }
    const label = y[idx[start + r]];
    const zy = p[o + label];
    let s = 0;
    for (let j = 0; j < N_OUT; j++) {
      const e = Math.exp(p[o + j] - m);
      p[o + j] = e;
      s += e;
    }
    for (let j = 0; j < N_OUT; j++) p[o + j] /= s;
    loss += m + Math.log(s) - zy;
    if (arg === label) correct++;
  }
  if (out) out.correct += correct;
  return loss;
}

/** Backward pass for the batch just run through forward(), then one SGD step. */
function backwardAndStep(model, work, data, idx, start, bs, hp, lr) {
  const { sizes, W, b, vW, vB } = model;
  const { A, D, gW, gB } = work;
  const relu = hp.activation === "relu";
  const L = sizes.length - 1;
  const y = data.y;
  const inv = 1 / bs;
  const dOut = D[L];
  const p = A[L];
  for (let r = 0; r < bs; r++) {
    const o = r * N_OUT;
    for (let j = 0; j < N_OUT; j++) dOut[o + j] = p[o + j] * inv;
    dOut[o + y[idx[start + r]]] -= inv;
  }
  for (let l = L - 1; l >= 0; l--) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const ain = A[l];
    const dz = D[l + 1];
    const w = W[l];
    const gw = gW[l];
    const gb = gB[l];
    gw.fill(0);
    gb.fill(0);
    for (let r = 0; r < bs; r++) {
      const zo = r * nout;
      const ao = r * nin;
      for (let j = 0; j < nout; j++) gb[j] += dz[zo + j];
      for (let i = 0; i < nin; i++) {
        const a = ain[ao + i];
        if (a === 0) continue;
        axpy(gw, i * nout, a, dz, zo, nout);
      }
    }
    if (l > 0) {
      // Gradient w.r.t. the previous layer's pre-activations (uses W before the update).
      const dprev = D[l];
      for (let r = 0; r < bs; r++) {
        const zo = r * nout;
        const ao = r * nin;
        for (let i = 0; i < nin; i++) {
          const a = ain[ao + i];
          if (relu && a === 0) {
            dprev[ao + i] = 0;
            continue;
          }
          const s = dot(dz, zo, w, i * nout, nout);
          dprev[ao + i] = relu ? s : s * (1 - a * a);
        }
      }
    }
    // SGD with classical momentum and L2 weight decay (weights only).
    const mu = hp.momentum;
    const l2 = hp.l2;
    const vw = vW[l];
    for (let k = 0; k < w.length; k++) {
      const v = mu * vw[k] - lr * (gw[k] + l2 * w[k]);
      vw[k] = v;
      w[k] += v;
    }
    const bias = b[l];
    const vb = vB[l];
    for (let k = 0; k < bias.length; k++) {
      const v = mu * vb[k] - lr * gb[k];
      vb[k] = v;
      bias[k] += v;
    }
  }
}

function evaluate(model, work, data, idx, relu) {
  const out = { correct: 0 };
  let loss = 0;
  for (let start = 0; start < idx.length; start += work.rows) {
    const bs = Math.min(work.rows, idx.length - start);
    loss += forward(model, work, data, idx, start, bs, relu, out);
  }
  return { loss: loss / idx.length, accuracy: out.correct / idx.length };
}

/** One epoch for one fold; mutates fold.model/fold.rng and returns its metrics. */
function trainEpoch(fold, data, hp, epoch) {
  const { model, work, order, split } = fold;
  const relu = hp.activation === "relu";
  const lr = hp.lr / (1 + hp.lrDecay * epoch);
  order.set(split.train); // the permutation depends only on the RNG state (for resuming)
  fold.rng.shuffle(order);
  let loss = 0;
  let seen = 0;
  let diverged = false;
  for (let start = 0; start < order.length; start += hp.batchSize) {
    const bs = Math.min(hp.batchSize, order.length - start);
    const batchLoss = forward(model, work, data, order, start, bs, relu, null);
    loss += batchLoss;
    seen += bs;
    if (!Number.isFinite(batchLoss)) {
      diverged = true;
      break;
    }
    backwardAndStep(model, work, data, order, start, bs, hp, lr);
  }
  const val = evaluate(model, fold.evalWork, data, split.val, relu);
  return { train_loss: loss / seen, val_loss: val.loss, val_accuracy: val.accuracy, diverged };
}

// ---------------------------------------------------------------------------------------
// Checkpoints

/** Hyperparameters that must match for a checkpoint to be resumed (all but epochs). */
function checkpointKey(hp) {
  const { epochs: _epochs, ...rest } = hp;
  return JSON.stringify(rest);
}

function writeAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function saveCheckpoint(dir, hp, epoch, folds) {
  mkdirSync(dir, { recursive: true });
  const state = {
    version: CHECKPOINT_VERSION,
    hyperparameters: JSON.parse(checkpointKey(hp)),
    epoch,
    folds: folds.map((f) => ({
      key: f.split.key,
      rng: f.rng.state,
      W: f.model.W.map((a) => Array.from(a)),
      b: f.model.b.map((a) => Array.from(a)),
      vW: f.model.vW.map((a) => Array.from(a)),
      vB: f.model.vB.map((a) => Array.from(a)),
      last: f.last,
    })),
  };
  writeAtomic(join(dir, "checkpoint.json"), JSON.stringify(state));
}

/**
 * Restores fold states from $dir/checkpoint.json; returns the saved epoch, 0 to start
 * fresh, or -1 to start fresh without overwriting a checkpoint that is further along.
 */
function tryResume(dir, hp, folds) {
  const path = join(dir, "checkpoint.json");
  let state;
  try {
    state = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    if (err?.code !== "ENOENT") {
      process.stderr.write(`note: ignoring unreadable checkpoint ${path}: ${err.message}\n`);
    }
    return 0;
  }
  if (state?.version !== CHECKPOINT_VERSION || JSON.stringify(state.hyperparameters) !== checkpointKey(hp)) {
    process.stderr.write(`note: checkpoint ${path} has other hyperparameters; starting fresh\n`);
    return 0;
  }
  if (state.epoch > hp.epochs) {
    process.stderr.write(
      `note: checkpoint is at epoch ${state.epoch} > --epochs ${hp.epochs}; ` +
        "starting fresh and leaving the checkpoint as it is\n",
    );
    return -1;
  }
  try {
    if (state.folds.length !== folds.length) throw new Error("fold count differs");
    folds.forEach((f, i) => {
      const s = state.folds[i];
      if (s.key !== f.split.key) throw new Error("fold differs");
      const restore = (dst, src) => {
        if (src.length !== dst.length) throw new Error("shape differs");
        dst.forEach((a, l) => {
          if (src[l].length !== a.length) throw new Error("shape differs");
          a.set(src[l]);
        });
      };
      restore(f.model.W, s.W);
      restore(f.model.b, s.b);
      restore(f.model.vW, s.vW);
      restore(f.model.vB, s.vB);
      f.rng.state = s.rng >>> 0;
      f.last = s.last;
    });
  } catch (err) {
    throw new Error(`checkpoint ${path} is inconsistent (${err.message}); delete it to restart`);
  }
  return state.epoch;
}

// ---------------------------------------------------------------------------------------
// Reporting

const fmt = (v) => String(Number(v.toPrecision(6)));

function line(prefix, metrics) {
  const parts = [prefix];
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) parts.push(`${k}=${fmt(v)}`);
  return `${parts.join(" ")}\n`;
}

function mean(xs) {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

function meanMetrics(list) {
  return {
    train_loss: mean(list.map((m) => m.train_loss)),
    val_loss: mean(list.map((m) => m.val_loss)),
    val_accuracy: mean(list.map((m) => m.val_accuracy)),
  };
}

// ---------------------------------------------------------------------------------------
// Main

function main() {
  let hp;
  try {
    hp = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`train.mjs: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (hp === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const data = loadDigits();
  const sizes = layerSizes(hp);
  const folds = makeSplits(data, hp).map((split) => {
    const rng = new Rng(mixSeed(hp.seed, split.key));
    return {
      split,
      rng,
      model: createModel(hp, rng),
      work: createWork(sizes, hp.batchSize),
      evalWork: createWork(sizes, 256),
      order: Int32Array.from(split.train),
      last: null,
    };
  });

  let ckptDir = process.env.TUNE_CHECKPOINT_DIR || "";
  let startEpoch = 0;
  if (ckptDir) {
    const resumed = tryResume(ckptDir, hp, folds);
    if (resumed > 0) {
      startEpoch = resumed;
      process.stderr.write(`resumed from epoch=${startEpoch}\n`);
    } else if (resumed < 0) {
      ckptDir = "";
    }
  }

  const t0 = performance.now();
  let epochsDone = startEpoch;
  let diverged = false;
  for (let epoch = startEpoch; epoch < hp.epochs && !diverged; epoch++) {
    for (const f of folds) {
      f.last = trainEpoch(f, data, hp, epoch);
      if (f.last.diverged) diverged = true;
    }
    epochsDone = epoch + 1;
    process.stdout.write(line(`epoch=${epochsDone}`, meanMetrics(folds.map((f) => f.last))));
    if (diverged) {
      process.stderr.write(`diverged at epoch ${epochsDone} (training loss is not finite)\n`);
    } else if (ckptDir) {
      saveCheckpoint(ckptDir, hp, epochsDone, folds);
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;

  const finals = folds.map((f) => f.last);
  const m = meanMetrics(finals);
  process.stdout.write(line("final", { val_accuracy: m.val_accuracy, val_loss: m.val_loss }));

  const metricsFile = process.env.TUNE_METRICS_FILE;
  if (metricsFile) {
    const round = (v) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : undefined);
    const out = {
      val_accuracy: round(m.val_accuracy),
      val_loss: round(m.val_loss),
      train_loss: round(m.train_loss),
      epochs: epochsDone,
      train_seconds: Number(trainSeconds.toFixed(3)),
      // The model's size, for studies that trade accuracy against it (multi-objective.yml).
      weights: weightCount(hp),
    };
    if (hp.folds >= 2) {
      if (hp.fold === null) {
        const accs = finals.map((f) => f.val_accuracy);
        const mu = mean(accs);
        out.val_accuracy_std = round(Math.sqrt(mean(accs.map((a) => (a - mu) ** 2))));
      } else {
        out.fold = hp.fold;
      }
      out.folds = hp.folds;
    }
    if (diverged) out.diverged = true;
    writeAtomic(metricsFile, `${JSON.stringify(out)}\n`);
  }
  return 0;
}

process.exitCode = main();
