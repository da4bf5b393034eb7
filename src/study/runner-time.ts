/**
 * Runner time: what an attempt costs on the machine that ran it, as opposed to
 * its process time (durationMs). A job's runner time includes checkout,
 * environment setup and downloads besides the training processes; when a job
 * runs several runs, that overhead is theirs together.
 */

/** Milliseconds between two ISO 8601 times, or undefined when either is missing or unreadable. */
export function spanMs(startedAt: string | undefined, completedAt: string | undefined): number | undefined {
  if (startedAt === undefined || completedAt === undefined) return undefined;
  const ms = Date.parse(completedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/**
 * Each run's share of a job's runner time: its own process time plus an equal
 * share of the job's time outside the processes. Equal because that time
 * (checkout, setup) is paid once for all of them, whatever each trains for.
 * The shares always add up to the job's time as GitHub reports it: the process
 * times come from result files, which the trial's own code can write, so when
 * they claim more than the job took (a forged file, or clocks that disagree)
 * the job's time is shared in their proportion instead of growing with them.
 */
export function splitJobTime(jobMs: number, processMs: readonly number[]): number[] {
  if (processMs.length === 0) return [];
  const total = processMs.reduce((s, ms) => s + ms, 0);
  if (total > jobMs) return processMs.map((ms) => (jobMs * ms) / total);
  return processMs.map((ms) => ms + (jobMs - total) / processMs.length);
}
