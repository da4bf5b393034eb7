/**
 * A pool of worker threads for the benchmarks: each worker takes the next
 * task as it finishes one, so the run is as long as its slowest worker's
 * share, and every study is deterministic on its own, so results do not
 * depend on the number of workers.
 */
import { Worker } from "node:worker_threads";

/**
 * Runs `tasks` on `count` workers loaded from `script` (a module that answers
 * each posted task with one message `{run}`); `done` hears of each result as
 * it arrives. Results come back keyed by the task.
 */
export async function onWorkers<T, R>(
  script: URL,
  tasks: readonly T[],
  count: number,
  done: (task: T, run: R) => void = () => {},
): Promise<Map<T, R>> {
  const out = new Map<T, R>();
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: Math.min(count, tasks.length) }, async () => {
      const worker = new Worker(script);
      try {
        for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
          const sent = task;
          const run = await new Promise<R>((resolve, reject) => {
            worker.once("message", (msg: { run: R }) => {
              worker.off("error", reject);
              resolve(msg.run);
            });
            worker.once("error", reject);
            worker.postMessage(sent);
          });
          out.set(sent, run);
          done(sent, run);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return out;
}
