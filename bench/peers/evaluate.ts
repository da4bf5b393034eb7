/**
 * The objective server for bench/peers/optuna_suite.py: Optuna's studies are
 * valued by these very definitions (suite.ts, with the harness's seeded noise),
 * not by a Python copy of them that could drift. One JSON request a line on
 * stdin, one JSON answer a line on stdout:
 *   {"describe": true}                          → every problem: space, budget, f*, optimum, noise
 *   {"problem", "seed", "trial", "params"}     → {"observed", "clean"}
 */
import { createInterface } from "node:readline";
import { ALL_PROBLEMS, problemNamed } from "../catalog.ts";
import { observe } from "../harness.ts";

interface Request {
  readonly describe?: boolean;
  readonly problem: string;
  readonly seed: number;
  readonly trial: number;
  readonly params: Record<string, number | string>;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const req = JSON.parse(line) as Request;
  const answer = req.describe
    ? ALL_PROBLEMS.map(({ f: _f, ...p }) => p)
    : {
        observed: observe(problemNamed(req.problem), req.seed, req.trial, req.params),
        clean: problemNamed(req.problem).f(req.params),
      };
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
