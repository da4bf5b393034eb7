/**
 * Asking the system about processes matrix-tune started earlier: whether a pid
 * still runs, and ending a trial's process group. A trial leads its own group
 * (it is started detached), so its pid is also its group id.
 */
import { readFileSync } from "node:fs";

/** Running, and not a zombie waiting to be reaped; a process of another user counts as running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  const stat = procStat(pid);
  return stat === undefined || stat.state !== "Z";
}

/**
 * Whether `pid` still leads its own process group, as a trial does. Where /proc
 * cannot say (not Linux), assume so. A pid reused by an unrelated process is
 * almost never a group leader, so this keeps a stale record from hitting it.
 */
export function leadsGroup(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.pgrp === pid;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

function procStat(pid: number): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name, in parentheses, may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, pgrp: Number(fields[2]) };
}
