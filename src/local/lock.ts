/**
 * One writer per study. `matrix-tune run` holds a lock file in the study
 * directory for as long as it runs; a second run refuses (exit code 4) and says
 * who holds it. The file also lists the trials running now (their process
 * groups), so that a run which finds the lock of a dead run on this host (killed
 * with SIGKILL, or its machine's terminal closed) ends the trials it left behind
 * before running anything beside them.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { StateError } from "../study/store.ts";
import { isAlive, leadsGroup, signalGroup } from "./processes.ts";

export const LOCK_FILE = "lock";

const runningTrialSchema = z.object({ run: z.string(), pid: z.int().positive() });
const lockSchema = z.object({
  pid: z.int().positive(),
  host: z.string(),
  startedAt: z.string(),
  trials: z.array(runningTrialSchema).default([]),
});
type LockInfo = z.infer<typeof lockSchema>;

export class LockError extends StateError {}

export interface StudyLock {
  readonly path: string;
  /** A trial's process started (`run` names it, as its directory does) or ended (pid undefined). */
  trial(run: string, pid: number | undefined): void;
  /** Ends the process group of every trial running now (the CLI is about to exit). */
  killTrials(): void;
  release(): void;
}

/** Takes the study's lock, or throws a LockError naming its holder. `say` reports a stale lock taken over. */
export function acquireLock(dir: string, say: (message: string) => void): StudyLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const own: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), trials: [] };
  // Two tries: the second follows taking over a stale lock.
  for (let i = 0; i < 2; i++) {
    if (create(path, own)) return holding(path, own, say);
    const held = readLock(path);
    if (held.pid === process.pid && held.host === own.host)
      throw new LockError(`${path}: this process holds it already`);
    if (held.host !== own.host)
      throw new LockError(
        `study is being run by pid ${held.pid} on host ${held.host} since ${held.startedAt} (${path}); matrix-tune cannot tell from here whether it still runs: if it does not, delete that file`,
      );
    if (isAlive(held.pid))
      throw new LockError(
        `study is being run by pid ${held.pid} on this host (${held.host}) since ${held.startedAt} (lock ${path}); wait for it to finish, or stop it first`,
      );
    say(`taking over the lock of pid ${held.pid} (since ${held.startedAt}), which is no longer running`);
    for (const t of endTrials(held))
      say(`stopped the trial run ${t.run} (pid ${t.pid}, process group ${t.pid}), left running by pid ${held.pid}`);
    // Only the stale lock, not one a concurrent run has just taken over.
    const now = readLock(path);
    if (now.pid === held.pid && now.startedAt === held.startedAt) unlinkSync(path);
  }
  throw new LockError(`${path}: could not take the lock; another run took it over at the same moment`);
}

/** Written complete beside it, then linked into place: the link fails if the lock exists, and never shows a half-written file. */
function create(path: string, info: LockInfo): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(info));
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new StateError(`${path}: cannot create the study's lock file: ${(err as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readLock(path: string): LockInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new LockError(
      `${path}: a lock file that cannot be read (${(err as Error).message}); if no run is going on, delete it`,
    );
  }
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) throw new LockError(`${path}: not a matrix-tune lock file; if no run is going on, delete it`);
  return parsed.data;
}

/** Kills the groups of a dead run's trials that still run, and waits (up to 10 s) for them to go. */
function endTrials(held: LockInfo): LockInfo["trials"] {
  const left = held.trials.filter((t) => isAlive(t.pid) && leadsGroup(t.pid));
  for (const t of left) signalGroup(t.pid, "SIGKILL");
  const until = Date.now() + 10_000;
  while (left.some((t) => isAlive(t.pid)) && Date.now() < until)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  return left;
}

function holding(path: string, info: LockInfo, say: (message: string) => void): StudyLock {
  const running = new Map<string, number>();
  let held = true;
  let warned = false;
  // The list of running trials only helps a later run clean up after a crash:
  // failing to update it (a full disk) must not stop this run, whose state
  // write says what is wrong in its own words.
  const save = () => {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ ...info, trials: [...running].map(([run, pid]) => ({ run, pid })) }));
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      if (!warned)
        say(
          `cannot record the running trials in ${path} (${(err as Error).message}): were this run killed, a resume could not stop them`,
        );
      warned = true;
    }
  };
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    try {
      if (readLock(path).pid === info.pid) unlinkSync(path);
    } catch {
      // Gone already, or taken over: nothing of ours to remove.
    }
  };
  // Also on process.exit() (a second Ctrl-C): the lock must not outlive the run.
  process.on("exit", release);
  return {
    path,
    trial(run, pid) {
      if (pid === undefined) running.delete(run);
      else running.set(run, pid);
      if (held) save();
    },
    killTrials() {
      for (const pid of running.values()) signalGroup(pid, "SIGKILL");
    },
    release,
  };
}
