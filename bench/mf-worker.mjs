// Runs studies of the synthetic curves problem for bench/multifidelity.ts, one
// at a time, in its own thread. Worker threads do not inherit tsx's loader from
// the main thread: register it here, then load the TypeScript modules.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runCurveStudy, methodNamed } = await import("./mf-harness.ts");
const { CURVES } = await import("./curves.ts");

parentPort?.on("message", async (task) => {
  parentPort.postMessage({ id: task.id, trace: await runCurveStudy(CURVES, methodNamed(task.method), task.opts) });
});
