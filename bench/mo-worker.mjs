// Runs the multi-objective benchmark's studies for bench/mo.ts, one at a time,
// in its own thread. Worker threads do not inherit tsx's loader from the main
// thread: register it here, then load the TypeScript modules.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runMoStudy } = await import("./mo-harness.ts");
const { MO_PROBLEMS } = await import("./mo-problems.ts");

parentPort?.on("message", async (task) => {
  const problem = MO_PROBLEMS.find((p) => p.name === task.problem);
  // The true front's hypervolume is computed once per problem and worker (a fine grid for some):
  // not part of the study's cost.
  problem.trueHv();
  const started = performance.now();
  const run = await runMoStudy(problem, task.strategy, task.q, task.seed);
  parentPort.postMessage({ run: { ...run, ms: performance.now() - started } });
});
