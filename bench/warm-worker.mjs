// Runs the warm-start benchmark's studies for bench/warmstart.ts, one at a
// time, in its own thread. Worker threads do not inherit tsx's loader from the
// main thread: register it here, then load the TypeScript modules.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runWarmTask } = await import("./warm-harness.ts");

parentPort?.on("message", async (task) => {
  parentPort.postMessage({ id: task.id, run: await runWarmTask(task) });
});
