/** Runs benchmark studies sent by bench/run.ts, one at a time, in its own thread. */
import { parentPort } from "node:worker_threads";
import type { StrategyName } from "../src/strategy/registry.ts";
import { problemNamed } from "./catalog.ts";
import { runStudy } from "./harness.ts";

export interface Task {
  readonly id: number;
  readonly problem: string;
  readonly strategy: StrategyName;
  readonly q: number;
  readonly seed: number;
}

parentPort?.on("message", async (task: Task) => {
  const run = await runStudy(problemNamed(task.problem), task.strategy, task.q, task.seed);
  parentPort!.postMessage({ id: task.id, run });
});
