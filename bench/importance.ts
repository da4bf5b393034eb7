/**
 * Accuracy and cost of parameter importance (src/importance): on functions
 * whose Sobol indices are known analytically, the indices estimated from 50,
 * 100 and 200 random trials over 10 seeds, as the median absolute error of
 * the first-order and total indices. Two baselines run in the same process:
 * the floor (pick-freeze on the true function with the same quasi-Monte-Carlo
 * budget: what the estimator costs even with a perfect model) and the rank
 * correlations the reports showed before (each parameter's squared Spearman
 * correlation with the objective, normalised to sum to 1, taken as both its
 * first-order and total index).
 *
 *   npx tsx bench/importance.ts [--seeds 10]
 *
 * Writes bench/results/importance.md.
 */
import { writeFileSync } from "node:fs";
import { importanceOf } from "../src/importance/importance.ts";
import { pickFreeze } from "../src/importance/pick-freeze.ts";
import type { Trial } from "../src/protocol/trial.ts";
import type { Parameter } from "../src/space/parameter-schema.ts";
import { buildSpace } from "../src/space/space.ts";
import { createRng } from "../src/util/rng.ts";

interface Problem {
  name: string;
  /** Each parameter's range; trials are uniform over them. */
  ranges: [number, number][];
  f: (x: readonly number[]) => number;
  first: number[];
  total: number[];
}

function ishigami(a: number, b: number): Problem {
  const v1 = 0.5 * (1 + (b * Math.PI ** 4) / 5) ** 2;
  const v2 = a ** 2 / 8;
  const v13 = b ** 2 * Math.PI ** 8 * (1 / 18 - 1 / 50);
  const v = v1 + v2 + v13;
  const pi: [number, number] = [-Math.PI, Math.PI];
  return {
    name: `Ishigami (a=${a}, b=${b})`,
    ranges: [pi, pi, pi],
    f: (x) => Math.sin(x[0]!) + a * Math.sin(x[1]!) ** 2 + b * x[2]! ** 4 * Math.sin(x[0]!),
    first: [v1 / v, v2 / v, 0],
    total: [(v1 + v13) / v, v2 / v, v13 / v],
  };
}

function gFunction(a: readonly number[]): Problem {
  const vi = a.map((ai) => 1 / (3 * (1 + ai) ** 2));
  const v = vi.reduce((p, x) => p * (1 + x), 1) - 1;
  return {
    name: `Sobol G (d=${a.length}, a=[${a.join(", ")}])`,
    ranges: a.map(() => [0, 1]),
    f: (x) => x.reduce((p, xi, i) => p * ((Math.abs(4 * xi - 2) + a[i]!) / (1 + a[i]!)), 1),
    first: vi.map((x) => x / v),
    total: vi.map((x, i) => (x * vi.reduce((p, y, j) => (j === i ? p : p * (1 + y)), 1)) / v),
  };
}

const interaction: Problem = {
  name: "x1·x2 on [−1,1]², x3 inert",
  ranges: [
    [-1, 1],
    [-1, 1],
    [-1, 1],
  ],
  f: (x) => x[0]! * x[1]!,
  first: [0, 0, 0],
  total: [1, 1, 0],
};

const PROBLEMS = [ishigami(7, 0.1), gFunction([0, 1, 4.5, 9, 99, 99]), interaction];
const SIZES = [50, 100, 200];
const seedsArg = process.argv.indexOf("--seeds");
const SEEDS = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 10;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const errors = (est: readonly number[], truth: readonly number[]) => est.map((e, i) => Math.abs(e - truth[i]!));

function spearman(xs: readonly number[], ys: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(v.length);
    order.forEach(([, i], k) => {
      r[i] = k;
    });
    return r;
  };
  const rx = rank(xs);
  const ry = rank(ys);
  const m = (xs.length - 1) / 2;
  let num = 0;
  let den = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - m) * (ry[i]! - m);
    den += (rx[i]! - m) ** 2;
  }
  return den > 0 ? num / den : 0;
}

function spaceOf(p: Problem) {
  const params: Record<string, Parameter> = {};
  p.ranges.forEach(([min, max], i) => {
    params[`x${i + 1}`] = { type: "float", min, max, scale: "linear" } as Parameter;
  });
  return buildSpace(params);
}

const lines: string[] = [
  "# Parameter importance: accuracy on functions with known Sobol indices",
  "",
  `Command: \`npx tsx bench/importance.ts --seeds ${SEEDS}\`. Median (and worst) absolute error over ${SEEDS} seeds and every parameter of the first-order (S) and total (ST) indices; random trials, uniform over each range. Floor: pick-freeze on the true function with the same quasi-Monte-Carlo budget (256 base points). Spearman²: the rank correlations the reports showed before, squared and normalised to sum to 1, read as both indices.`,
  "",
  "| function | trials | S error | ST error | worst S / ST | floor S / ST | Spearman² S / ST | error / Spearman² (S, ST) |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
];
const costs: number[] = [];
for (const p of PROBLEMS) {
  const space = spaceOf(p);
  const cube = (u: readonly number[]) =>
    p.f(u.map((v, i) => p.ranges[i]![0] + v * (p.ranges[i]![1] - p.ranges[i]![0])));
  const floorS: number[] = [];
  const floorT: number[] = [];
  for (let s = 0; s < SEEDS; s++) {
    const pf = pickFreeze(cube, p.ranges.length, 256, s);
    floorS.push(
      ...errors(
        p.ranges.map((_, i) => pf.first(i)),
        p.first,
      ),
    );
    floorT.push(
      ...errors(
        p.ranges.map((_, i) => pf.total(i)),
        p.total,
      ),
    );
  }
  for (const n of SIZES) {
    const eS: number[] = [];
    const eT: number[] = [];
    const rS: number[] = [];
    const rT: number[] = [];
    for (let s = 0; s < SEEDS; s++) {
      const rng = createRng(s, n);
      const xs = Array.from({ length: n }, () => p.ranges.map(([lo, hi]) => lo + rng.next() * (hi - lo)));
      // Only the parameters of a trial are read by the model.
      const trials = xs.map(
        (x) => ({ params: Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v])) }) as unknown as Trial,
      );
      const values = xs.map(p.f);
      const t0 = performance.now();
      const imp = importanceOf(space, trials, values, s)!;
      if (n === 200) costs.push(performance.now() - t0);
      const byName = new Map(imp.parameters.map((q) => [q.name, q]));
      const at = p.ranges.map((_, i) => byName.get(`x${i + 1}`)!);
      eS.push(
        ...errors(
          at.map((q) => q.first),
          p.first,
        ),
      );
      eT.push(
        ...errors(
          at.map((q) => q.total),
          p.total,
        ),
      );
      const rho2 = p.ranges.map(
        (_, i) =>
          spearman(
            xs.map((x) => x[i]!),
            values,
          ) ** 2,
      );
      const sum = rho2.reduce((a, b) => a + b, 0) || 1;
      const shares = rho2.map((r) => r / sum);
      rS.push(...errors(shares, p.first));
      rT.push(...errors(shares, p.total));
    }
    const f = (x: number) => x.toFixed(3);
    lines.push(
      `| ${p.name} | ${n} | ${f(median(eS))} | ${f(median(eT))} | ${f(Math.max(...eS))} / ${f(Math.max(...eT))} | ${f(median(floorS))} / ${f(median(floorT))} | ${f(median(rS))} / ${f(median(rT))} | ${(median(eS) / median(rS)).toFixed(2)}, ${(median(eT) / median(rT)).toFixed(2)} |`,
    );
    process.stderr.write(`${p.name} ${n} done\n`);
  }
}
lines.push(
  "",
  `Cost: computing the importance of 200 trials (model fit, 4 bootstrap refits keeping its hyperparameters, a 256-point pick-freeze, 128 points for each refit, and three pairs) took a median of ${Math.round(median(costs))} ms (max ${Math.round(Math.max(...costs))} ms) over the ${costs.length} runs at 200 trials above, on this machine.`,
);
const md = `${lines.join("\n")}\n`;
writeFileSync(new URL("results/importance.md", import.meta.url), md);
console.log(md);
