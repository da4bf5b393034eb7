/** Watching processes a test started, or that the code under test started. */
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
