/** Watching processes a test started, or that the code under test started. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

/** Alive and not a zombie waiting for its parent (or init) to reap it. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Waits up to 5 s for `pid` to go, then asserts it has: a kill the code under test sent takes a moment to land. */
export async function assertGone(pid: number, what: string): Promise<void> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(pid), false, `${what} ${pid} is still running`);
}
