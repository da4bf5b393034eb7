/**
 * The problem server for bench/peers/optuna_mo.py: Optuna's studies are valued
 * and scored by the very definitions ours are (bench/mo-problems.ts, the HV
 * regret of bench/mo-harness.ts), not by a Python copy that could drift. One
 * JSON request a line on stdin, one JSON answer a line on stdout:
 *   {"describe": true}               → every problem: space, budget, objectives, constraints, reference, true HV
 *   {"problem", "params"}            → the configuration's metrics
 *   {"problem", "regret": [metrics]} → the HV regret after each of those evaluations
 */
import { createInterface } from "node:readline";
import { hvRegretCurve, moConfig, scoreMetrics } from "../mo-harness.ts";
import { MO_PROBLEMS, type MoProblem } from "../mo-problems.ts";

interface Request {
  readonly describe?: boolean;
  readonly problem: string;
  readonly params?: Record<string, number | string>;
  readonly regret?: Record<string, number>[];
}

const named = (name: string): MoProblem => {
  const p = MO_PROBLEMS.find((x) => x.name === name);
  if (!p) throw new Error(`unknown problem ${name}; known: ${MO_PROBLEMS.map((x) => x.name).join(", ")}`);
  return p;
};
// The parsed config's goals: objectives always a list, constraints defaulted.
const goalsOf = (p: MoProblem) => moConfig(p, "random", 1, 0);

function answer(req: Request): unknown {
  if (req.describe)
    return MO_PROBLEMS.map((p) => {
      const { objective, constraints, parameters } = goalsOf(p);
      return {
        name: p.name,
        budget: p.budget,
        parameters,
        objective,
        constraints,
        reference: p.reference,
        trueHv: p.trueHv(),
      };
    });
  const problem = named(req.problem);
  if (req.regret) {
    const goals = goalsOf(problem);
    return hvRegretCurve(
      problem,
      req.regret.map((m) => scoreMetrics(goals, m)),
    );
  }
  return problem.metrics(req.params!);
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) process.stdout.write(`${JSON.stringify(answer(JSON.parse(line) as Request))}\n`);
}
