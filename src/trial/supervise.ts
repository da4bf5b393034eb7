/**
 * Runs a prepared command to its end: in its own process group, its output
 * streamed to the log (and stdout's lines to a reader), the timeout, Ctrl-C and
 * a stop request ending the whole group, and whatever escaped the group not
 * holding the trial open. What comes back says how it ended and what it
 * printed last. This is the part a cluster launcher (a Kubernetes Job, a Slurm
 * step) replaces: launch description in, exit record and streamed lines out.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { finished } from "node:stream/promises";
import { LineSplitter } from "./lines.ts";
import { outputNames, pipeHolders } from "./pipe-holders.ts";
import type { Launch } from "./prepare.ts";
import { TailBuffer } from "./tail.ts";

export interface SuperviseOptions {
  /** Seconds the whole run may take, output held after the command exited included. */
  timeoutS?: number;
  /** Stops the run (Ctrl-C); the ending says `aborted`. */
  signal?: AbortSignal;
  /** Seconds between SIGTERM and SIGKILL for the process group. */
  killGraceS?: number;
  /** Seconds to wait, once the command has exited, for its output pipes to close. */
  pipeGraceS?: number;
  /** The command started as process `pid`, which leads its process group until the run ends. */
  onStart?: (pid: number) => void;
  /**
   * Each line of stdout as it arrives; `exited` says the command has already
   * ended (the line was buffered until then). Returning true stops the run.
   */
  onLine?: (line: string, exited: boolean) => boolean;
}

export type Ending =
  | { kind: "spawn-error"; message: string }
  | { kind: "exit"; code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; aborted: boolean };

export interface ExitRecord {
  ending: Ending;
  durationMs: number;
  finishedAt: string;
  /** The last lines of both streams as they came: the attempt's log tail. */
  tail: string;
  /** The end of each stream (at most REGEX_WINDOW characters), for metric regexes and the failure's last line. */
  stdout: string;
  stderr: string;
}

/** Output kept in memory for metric regexes; older output is in the log file. */
const REGEX_WINDOW = 1 << 20;

export async function supervise(launch: Launch, options: SuperviseOptions): Promise<ExitRecord> {
  const started = performance.now();
  const tail = new TailBuffer(40, 4000);
  // A log file that cannot be written (a full disk) must not end the run: the
  // trial goes on, its output kept in memory, and the tail says what happened.
  const file = createWriteStream(launch.logFile);
  let logFailed = false;
  file.on("error", (err) => {
    if (logFailed) return;
    logFailed = true;
    tail.push(`\n[matrix-tune] the log file ${launch.logFile} could not be written: ${err.message}\n`);
  });
  const log = { write: (text: string) => logFailed || file.write(text) };
  if (launch.note) log.write(`matrix-tune: ${launch.note}\n`);
  const stdout = new TailBuffer(Number.POSITIVE_INFINITY, REGEX_WINDOW);
  const stderr = new TailBuffer(Number.POSITIVE_INFINITY, REGEX_WINDOW);

  const ending = await new Promise<Ending>((done) => {
    const [file, ...args] = launch.argv;
    if (!file) {
      done({ kind: "spawn-error", message: "the command is empty after filling in the parameters" });
      return;
    }
    if (!existsSync(launch.cwd)) {
      done({ kind: "spawn-error", message: `the working directory ${launch.cwd} does not exist (workdir)` });
      return;
    }
    const child = spawn(file, args, {
      cwd: launch.cwd,
      env: launch.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Named now, while the command surely holds them, to find who else does later.
    const pipes = child.pid ? outputNames(child.pid) : new Set<string>();
    if (child.pid) options.onStart?.(child.pid);
    let timedOut = false;
    let aborted = false;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    let exited = false;
    let forceKill: NodeJS.Timeout | undefined;
    let pipeGrace: NodeJS.Timeout | undefined;
    let released = false;
    /**
     * The command has exited, but something that left its process group still
     * holds its output: end what can be found of it (Linux), then stop reading,
     * so that the trial finishes however long that process lives.
     */
    const releasePipes = () => {
      if (released) return;
      released = true;
      const holders = pipeHolders(pipes);
      for (const pid of holders) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
      log.write(
        `\n[matrix-tune] the command exited, but ${holders.length ? `process ${holders.join(", ")}, which left its process group, still held its output: killed` : "a process that left its process group still held its output: stopped reading it (it may still be running)"}\n`,
      );
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    let stopping = false;
    const stop = () => {
      stopping = true;
      if (exited) {
        releasePipes();
        return;
      }
      killGroup("SIGTERM");
      forceKill ??= setTimeout(() => killGroup("SIGKILL"), (options.killGraceS ?? 5) * 1000);
    };
    // The timeout covers the whole trial, pipes held after the command exited included.
    const timer =
      options.timeoutS !== undefined
        ? setTimeout(() => {
            timedOut = !exited;
            stop();
          }, options.timeoutS * 1000)
        : undefined;
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort);

    const pipe = (stream: NodeJS.ReadableStream, into: TailBuffer, onLine: SuperviseOptions["onLine"]) => {
      const splitter = new LineSplitter();
      const read = (complete: string[]) => {
        for (const line of complete) if (onLine?.(line, exited)) stop();
      };
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        log.write(chunk);
        tail.push(chunk);
        into.push(chunk);
        if (onLine) read(splitter.push(chunk));
      });
      stream.on("end", () => {
        if (onLine) read(splitter.end());
      });
    };
    pipe(child.stdout!, stdout, options.onLine);
    pipe(child.stderr!, stderr, undefined);
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      clearTimeout(pipeGrace);
      options.signal?.removeEventListener("abort", onAbort);
      const message =
        err.code === "ENOENT"
          ? `cannot start "${file}": no such program (looked in PATH and ${launch.cwd})`
          : `cannot start "${file}": ${err.message}`;
      done({ kind: "spawn-error", message });
    });
    // Grandchildren that inherited the pipes would hold back "close" until they
    // exit: once the leader is gone, end the group, and give whatever left the
    // group a short grace to close the pipes.
    child.on("exit", () => {
      exited = true;
      killGroup("SIGKILL");
      // A trial being stopped (timeout, Ctrl-C, pruned) gets no grace: its time is up.
      pipeGrace = setTimeout(releasePipes, stopping ? 0 : (options.pipeGraceS ?? 2) * 1000);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      clearTimeout(pipeGrace);
      options.signal?.removeEventListener("abort", onAbort);
      // Grandchildren may outlive the leader; the trial is over, so end them too.
      killGroup("SIGKILL");
      done({ kind: "exit", code, signal, timedOut, aborted });
    });
  });
  file.end();
  await finished(file).catch(() => undefined);
  return {
    ending,
    durationMs: Math.round(performance.now() - started),
    finishedAt: new Date().toISOString(),
    tail: tail.text(),
    stdout: stdout.text(),
    stderr: stderr.text(),
  };
}
