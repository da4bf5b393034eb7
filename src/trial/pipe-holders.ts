/**
 * Processes that hold a trial's output pipes after its process group is gone:
 * a descendant that left the group (setsid, a daemonizing server) keeps the
 * pipes open, and no signal to the group reaches it. Node cannot make matrix-tune
 * a child subreaper (prctl is out of reach), so on Linux the holders are found
 * the way `fuser` finds them: the command's stdout and stderr are named (Node
 * gives a child a socket, `socket:[inode]` under /proc) as soon as it starts,
 * and later every process with one of them open is a holder. Elsewhere, for a
 * command that exits before it can be named, or for processes of another user,
 * none are found, and the runner just stops reading the output.
 */
import { readdirSync, readlinkSync } from "node:fs";

/** The pipes or sockets a process writes its stdout and stderr to, as /proc names them. */
export function outputNames(pid: number): Set<string> {
  const names = new Set<string>();
  for (const fd of [1, 2]) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (/^(pipe|socket):/.test(target)) names.add(target);
    } catch {
      // Not Linux, or the command has already exited.
    }
  }
  return names;
}

/** Other processes that have any of these pipes open. */
export function pipeHolders(pipes: ReadonlySet<string>): number[] {
  if (pipes.size === 0) return [];
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
  return pids.filter((pid) => holdsAny(pid, pipes)).map(Number);
}

function holdsAny(pid: string, pipes: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    // Gone, or another user's: not ours to end.
    return false;
  }
  return fds.some((fd) => {
    try {
      return pipes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      return false;
    }
  });
}
