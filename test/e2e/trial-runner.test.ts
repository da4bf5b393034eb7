/**
 * The trial runner against real child processes: small Node scripts under
 * test/fixtures/trials, each run in a fresh temporary directory.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import type { Attempt, Intermediate } from "../../src/protocol/trial.ts";
import type { TrialRequest } from "../../src/trial/request.ts";
import { runTrial, type TrialOutcome } from "../../src/trial/run.ts";
import { alive, assertGone } from "../helpers/processes.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/trials/", import.meta.url));
const NODE = process.execPath;
const fixture = (name: string, ...args: string[]) => [NODE, join(FIXTURES, name), ...args];

/** A fresh directory (real path, as the child sees it), removed after the test. */
function tempDir(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "matrix-tune-trial-")));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type Overrides = Partial<Omit<TrialRequest, "config">> & { config?: Partial<TrialRequest["config"]> };

function spec(dir: string, argv: readonly string[], over: Overrides = {}): TrialRequest {
  const { config, ...rest } = over;
  return {
    study: "demo",
    trialId: 0,
    attempt: 1,
    params: {},
    argv,
    cwd: dir,
    outputDir: join(dir, "out"),
    killGraceS: 0.2,
    ...rest,
    config: {
      objective: [{ metric: "val_loss", goal: "minimize" }],
      constraints: [],
      metrics: { record: [], definitions: [], lines: true },
      env: {},
      // A safety net: every trial here ends well before it.
      timeout: 10,
      ...config,
    },
  };
}

function finished(outcome: TrialOutcome): Attempt {
  assert.equal(outcome.kind, "finished", "the trial should have finished");
  return (outcome as { attempt: Attempt }).attempt;
}

function failed(attempt: Attempt): string {
  assert.equal(attempt.status, "failed", `expected a failure, got ${JSON.stringify(attempt)}`);
  return (attempt as { reason: string }).reason;
}

/** Each test takes well under a second or two; a hang fails instead of stalling the run. */
const LIMIT = { timeout: 15_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runTrial", () => {
  it("runs a trial, hands it the parameters and reads its metrics file", LIMIT, async (t) => {
    const dir = tempDir(t);
    const out = join(dir, "trial-7");
    const params = { lr: 0.001, optimizer: "adam", layers: 3, nesterov: true };
    const seen: Intermediate[] = [];
    const attempt = finished(
      await runTrial(
        spec(
          dir,
          fixture(
            "report.mjs",
            "--lr=${lr}",
            "--optimizer",
            "${optimizer}",
            "--trial=${trial_id}",
            "--out=${output_dir}",
          ),
          {
            trialId: 7,
            attempt: 2,
            params,
            outputDir: out,
            onIntermediate: (v) => seen.push(v),
            config: { env: { CFG_MODE: "fast", CFG_N: 4 }, metrics: { record: ["acc"], definitions: [], lines: true } },
          },
        ),
      ),
    );

    assert.equal(attempt.status, "succeeded", JSON.stringify(attempt));
    assert.equal((attempt as { value: number }).value, 0.125);
    // The file's acc (0.875) wins over the last line's (0.5).
    assert.deepEqual(attempt.metrics, { val_loss: 0.125, acc: 0.875 });
    assert.equal(attempt.trialId, 7);
    assert.equal(attempt.attempt, 2);
    assert.equal(attempt.exitCode, 0);
    assert.equal(attempt.signal, null);
    assert.ok(attempt.durationMs >= 0 && attempt.durationMs < 10_000);
    assert.ok(attempt.runner && attempt.runner.length > 0);
    const steps = [
      { step: 0, values: { loss: 1.5, acc: 0.25 } },
      { step: 1, values: { loss: 0.75, acc: 0.5 } },
    ];
    assert.deepEqual(attempt.intermediate, steps);
    assert.deepEqual(seen, steps);

    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    assert.deepEqual(report.argv, ["--lr=0.001", "--optimizer", "adam", "--trial=7", `--out=${out}`]);
    assert.equal(report.cwd, dir);
    assert.deepEqual(report.paramsFile, params);
    assert.equal(report.env.TUNE_PARAMS_FILE, join(out, "params.json"));
    assert.deepEqual(JSON.parse(readFileSync(join(out, "params.json"), "utf8")), params);
    const env = report.env as Record<string, string>;
    assert.equal(env.TUNE_PARAM_LR, "0.001");
    assert.equal(env.TUNE_PARAM_OPTIMIZER, "adam");
    assert.equal(env.TUNE_PARAM_LAYERS, "3");
    assert.equal(env.TUNE_PARAM_NESTEROV, "true");
    assert.equal(env.TUNE_STUDY, "demo");
    assert.equal(env.TUNE_TRIAL_ID, "7");
    assert.equal(env.TUNE_ATTEMPT, "2");
    assert.equal(env.TUNE_METRICS_FILE, join(out, "metrics.json"));
    assert.equal(env.TUNE_OUTPUT_DIR, out);
    assert.equal(env.CFG_MODE, "fast");
    assert.equal(env.CFG_N, "4");

    assert.match(readFileSync(join(out, "log.txt"), "utf8"), /epoch=0 loss=1\.5 acc=0\.25\nepoch=1 loss=0\.75/);
  });

  it("passes values with shell metacharacters intact and executes nothing", LIMIT, async (t) => {
    const dir = tempDir(t);
    const params = {
      name: "$(touch PWNED)",
      cmd: "x; touch PWNED2 && echo `touch PWNED3` | cat > PWNED4",
      quoted: `it's "quoted" \\ \${lr}`,
    };
    const attempt = finished(
      await runTrial(spec(dir, fixture("report.mjs", "--name=${name}", "${cmd}", "${quoted}"), { params })),
    );
    assert.equal(attempt.status, "succeeded", JSON.stringify(attempt));
    const report = JSON.parse(readFileSync(join(dir, "out", "report.json"), "utf8"));
    assert.deepEqual(report.argv, [`--name=${params.name}`, params.cmd, params.quoted]);
    assert.equal(report.env.TUNE_PARAM_NAME, params.name);
    assert.equal(report.env.TUNE_PARAM_CMD, params.cmd);
    assert.deepEqual(report.paramsFile, params);
    const pwned = [...readdirSync(dir), ...readdirSync(join(dir, "out"))].filter((f) => f.startsWith("PWNED"));
    assert.deepEqual(pwned, []);
  });

  it("reports intermediate values from stdout lines, including an unterminated last line", LIMIT, async (t) => {
    const dir = tempDir(t);
    const seen: Intermediate[] = [];
    const attempt = finished(
      await runTrial(
        spec(
          dir,
          fixture(
            "emit.mjs",
            "out:epoch=1 loss=0.5",
            "out:some prose = here",
            'out:{"step": 4, "loss": 0.25, "acc": 0.75}',
            "err:loss=99",
            "out:loss=0.125",
            "raw:loss=0.0625",
          ),
          {
            onIntermediate: (v) => seen.push(v),
            config: {
              objective: [{ metric: "loss", goal: "minimize" }],
              metrics: { record: ["acc"], definitions: [], lines: true },
            },
          },
        ),
      ),
    );
    const steps = [
      { step: 1, values: { loss: 0.5 } },
      { step: 4, values: { loss: 0.25, acc: 0.75 } },
      { step: 5, values: { loss: 0.125 } },
      { step: 6, values: { loss: 0.0625 } },
    ];
    assert.deepEqual(seen, steps);
    assert.deepEqual(attempt.intermediate, steps);
    assert.equal(attempt.status, "succeeded", JSON.stringify(attempt));
    assert.equal((attempt as { value: number }).value, 0.0625);
    assert.deepEqual(attempt.metrics, { loss: 0.0625, acc: 0.75 });
  });

  it("goes on when its log file cannot be written (a full disk), and the log tail says so", LIMIT, async (t) => {
    const dir = tempDir(t);
    const out = join(dir, "out");
    mkdirSync(out);
    // /dev/full fails every write with ENOSPC, as a full disk does.
    symlinkSync("/dev/full", join(out, "log.txt"));
    const attempt = finished(
      await runTrial(
        spec(dir, fixture("emit.mjs", "lines:2000", "out:val_loss=0.5"), {
          config: { metrics: { record: [], definitions: [], lines: true } },
        }),
      ),
    );
    assert.equal(attempt.status, "succeeded", JSON.stringify({ ...attempt, logTail: "" }));
    assert.equal((attempt as { value: number }).value, 0.5);
    assert.match(attempt.logTail, /the log file .*log\.txt could not be written: ENOSPC/);
  });

  it("reads 64 MB printed without a newline, then a metric line, without holding the blob", LIMIT, async (t) => {
    const dir = tempDir(t);
    const blob =
      "const b = Buffer.alloc(1 << 20, 120); for (let i = 0; i < 64; i++) process.stdout.write(b); process.stdout.write('\\nloss=0.5\\n');";
    const attempt = finished(
      await runTrial(
        spec(dir, [NODE, "-e", blob], {
          config: {
            objective: [{ metric: "loss", goal: "minimize" }],
            metrics: { record: [], definitions: [], lines: true },
          },
        }),
      ),
    );
    assert.equal(attempt.status, "succeeded", JSON.stringify({ ...attempt, logTail: "" }));
    assert.deepEqual(attempt.intermediate, [{ step: 0, values: { loss: 0.5 } }]);
  });

  it("reads no line metrics when metrics.lines is false", LIMIT, async (t) => {
    const dir = tempDir(t);
    const seen: Intermediate[] = [];
    const attempt = finished(
      await runTrial(
        spec(dir, fixture("emit.mjs", "out:val_loss=0.5"), {
          onIntermediate: (v) => seen.push(v),
          config: { metrics: { record: [], definitions: [], lines: false } },
        }),
      ),
    );
    assert.match(failed(attempt), /metric lines are off/);
    assert.deepEqual(attempt.intermediate, []);
    assert.deepEqual(seen, []);
  });

  it("matches metric definitions over stderr", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      await runTrial(
        spec(
          dir,
          fixture("emit.mjs", "err:[eval] val_acc 0.5", "err:[eval] val_acc 0.625", "out:[eval] val_acc 0.99"),
          {
            config: {
              objective: [{ metric: "val_acc", goal: "maximize" }],
              metrics: {
                record: [],
                definitions: [{ name: "val_acc", regex: String.raw`\[eval\] val_acc (\S+)`, stream: "stderr" }],
                lines: true,
              },
            },
          },
        ),
      ),
    );
    assert.equal(attempt.status, "succeeded", JSON.stringify(attempt));
    assert.equal((attempt as { value: number }).value, 0.625);
    assert.deepEqual(attempt.metrics, { val_acc: 0.625 });
  });

  it("fails a non-zero exit with its code and the last stderr line", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      await runTrial(
        spec(
          dir,
          fixture(
            "emit.mjs",
            "out:loss=0.5",
            "err:Traceback (most recent call last):",
            "err:RuntimeError: CUDA out of memory",
            "exit:3",
          ),
        ),
      ),
    );
    assert.equal(failed(attempt), "exited with code 3: RuntimeError: CUDA out of memory");
    assert.equal(attempt.exitCode, 3);
    assert.equal(attempt.signal, null);
    assert.deepEqual(attempt.intermediate, [{ step: 0, values: { loss: 0.5 } }]);
    assert.match(attempt.logTail, /Traceback/);
  });

  it("skips Node's version line when quoting a crash", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(await runTrial(spec(dir, fixture("emit.mjs", "bogus"))));
    assert.equal(failed(attempt), "exited with code 1: Error: emit.mjs: unknown step bogus");
    assert.equal(attempt.exitCode, 1);
  });

  it("fails a clean exit without the objective, saying where it looked", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      await runTrial(
        spec(dir, fixture("emit.mjs", "out:acc=0.5"), {
          config: { metrics: { record: ["acc"], definitions: [], lines: true } },
        }),
      ),
    );
    const reason = failed(attempt);
    assert.match(reason, /^objective "val_loss" not found: /);
    assert.ok(reason.includes(`metrics file ${join(dir, "out", "metrics.json")} was not written`), reason);
    assert.match(reason, /no "val_loss=<number>" line in stdout/);
    assert.equal(attempt.exitCode, 0);
    assert.deepEqual(attempt.metrics, { acc: 0.5 });
  });

  it("fails a NaN objective from the metrics file or from lines", LIMIT, async (t) => {
    const dir = tempDir(t);
    const fromFile = finished(
      await runTrial(spec(dir, fixture("emit.mjs", "out:val_loss=0.5", 'file:{"val_loss": "NaN"}'))),
    );
    assert.equal(failed(fromFile), 'objective "val_loss" is NaN, not a finite number');
    assert.deepEqual(fromFile.metrics, {});

    const fromLines = finished(await runTrial(spec(dir, fixture("emit.mjs", "out:val_loss=0.5", "out:val_loss=nan"))));
    assert.equal(failed(fromLines), 'objective "val_loss" is NaN, not a finite number');
    assert.deepEqual(fromLines.intermediate, [{ step: 0, values: { val_loss: 0.5 } }]);
  });

  it("fails with a clear reason when the working directory does not exist", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(await runTrial({ ...spec(dir, ["node", "-e", "0"]), cwd: join(dir, "missing") }));
    assert.match(failed(attempt), /the working directory .*missing does not exist \(workdir\)/);
  });

  it("fails a program that does not exist", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      await runTrial(spec(dir, ["matrix-tune-no-such-program-4d1f", "--lr=${lr}"], { params: { lr: 1 } })),
    );
    const reason = failed(attempt);
    assert.match(reason, /^cannot start "matrix-tune-no-such-program-4d1f": no such program/);
    assert.equal(attempt.exitCode, null);
    assert.equal(attempt.signal, null);
    assert.deepEqual(attempt.metrics, {});
  });

  it("fails a command that is empty once inactive parameters are dropped", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(await runTrial(spec(dir, ["${inactive}"])));
    assert.match(failed(attempt), /the command is empty/);
  });

  it("kills the whole process group on timeout", LIMIT, async (t) => {
    const dir = tempDir(t);
    const started = Date.now();
    // The timeout leaves the leader time to start its grandchild even on a loaded machine;
    // the grandchild would write its file well after it.
    const attempt = finished(
      await runTrial(spec(dir, fixture("grandchild.mjs", "5000", "wait"), { config: { timeout: 2 } })),
    );
    // Ordering, not a stopwatch: the trial ended before the grandchild could write its file.
    assert.equal(existsSync(join(dir, "out", "grandchild.txt")), false);
    assert.equal(failed(attempt), "timed out after 2s (timeout)");
    assert.equal(attempt.signal, "SIGTERM");

    const pid = Number(readFileSync(join(dir, "out", "grandchild.pid"), "utf8"));
    assert.ok(pid > 0);
    // Wait past the moment the grandchild would have written its file.
    await sleep(Math.max(0, started + 5500 - Date.now()));
    assert.equal(alive(pid), false, `grandchild ${pid} is still running`);
    assert.equal(existsSync(join(dir, "out", "grandchild.txt")), false);
  });

  it("sends SIGKILL after the grace period to a trial that ignores SIGTERM", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      // The timeout leaves Node ample time to start and install its SIGTERM handler, even on a loaded machine.
      await runTrial(spec(dir, fixture("ignore-term.mjs"), { killGraceS: 0.2, config: { timeout: 2 } })),
    );
    assert.equal(failed(attempt), "timed out after 2s (timeout)");
    // It saw SIGTERM first, and only SIGKILL ended it.
    assert.match(attempt.logTail, /got SIGTERM, ignoring it/);
    assert.equal(attempt.signal, "SIGKILL");
  });

  it("ends grandchildren left behind when the leader exits", LIMIT, async (t) => {
    const dir = tempDir(t);
    const started = Date.now();
    const attempt = finished(
      await runTrial(spec(dir, fixture("grandchild.mjs", "1500", "exit"), { config: { timeout: 5 } })),
    );
    // The grandchild holds the output pipes; the trial must not wait for it (or time out):
    // it ended before the grandchild could write its file.
    assert.equal(existsSync(join(dir, "out", "grandchild.txt")), false);
    assert.equal(attempt.exitCode, 0);
    assert.match(failed(attempt), /objective "val_loss" not found/);
    const pid = Number(readFileSync(join(dir, "out", "grandchild.pid"), "utf8"));
    await sleep(Math.max(0, started + 2000 - Date.now()));
    assert.equal(alive(pid), false, `grandchild ${pid} is still running`);
    assert.equal(existsSync(join(dir, "out", "grandchild.txt")), false);
  });

  it("finishes when a descendant that left the process group holds the output, and ends it", LIMIT, async (t) => {
    const dir = tempDir(t);
    // The grandchild (setsid) would hold stdout for a minute; the leader exits at once.
    const attempt = finished(
      await runTrial(
        spec(dir, fixture("grandchild.mjs", "60000", "exit", "escape"), { pipeGraceS: 0.5, config: { timeout: 600 } }),
      ),
    );
    assert.equal(attempt.exitCode, 0);
    const pid = Number(readFileSync(join(dir, "out", "grandchild.pid"), "utf8"));
    const log = readFileSync(join(dir, "out", "log.txt"), "utf8");
    if (process.platform === "linux") {
      assert.match(log, new RegExp(`process ${pid}, which left its process group, still held its output: killed`));
      await assertGone(pid, "escaped grandchild");
    } else {
      assert.match(log, /stopped reading it/);
      process.kill(pid, "SIGKILL");
    }
  });

  it("the timeout still ends a trial whose leader ignores the pipes' closing", LIMIT, async (t) => {
    const dir = tempDir(t);
    // Leader and escaped grandchild both wait a minute; the timeout covers the whole trial.
    const attempt = finished(
      await runTrial(
        spec(dir, fixture("grandchild.mjs", "60000", "wait", "escape"), { pipeGraceS: 600, config: { timeout: 2 } }),
      ),
    );
    assert.equal(failed(attempt), "timed out after 2s (timeout)");
    const pid = Number(readFileSync(join(dir, "out", "grandchild.pid"), "utf8"));
    if (process.platform === "linux") {
      await assertGone(pid, "escaped grandchild");
    } else process.kill(pid, "SIGKILL");
  });

  it("Ctrl-C ends a trial whose command has exited but whose escaped descendant holds the output", LIMIT, async (t) => {
    const dir = tempDir(t);
    const controller = new AbortController();
    const pidFile = join(dir, "out", "grandchild.pid");
    // Without the abort, the runner would wait the whole (10-minute) grace for the pipes.
    const outcome = runTrial(
      spec(dir, fixture("grandchild.mjs", "60000", "exit", "escape"), {
        signal: controller.signal,
        pipeGraceS: 600,
        config: { timeout: 600 },
      }),
    );
    while (!existsSync(pidFile)) await sleep(50);
    await sleep(200);
    controller.abort();
    assert.deepEqual(await outcome, { kind: "interrupted" });
    const pid = Number(readFileSync(pidFile, "utf8"));
    if (process.platform === "linux") {
      await assertGone(pid, "escaped grandchild");
    } else process.kill(pid, "SIGKILL");
  });

  it("refuses a metrics file outside the output directory, and deletes nothing there", LIMIT, async (t) => {
    const dir = tempDir(t);
    const precious = join(dir, "precious.txt");
    writeFileSync(precious, "keep me");
    for (const file of ["../precious.txt", precious])
      await assert.rejects(
        runTrial(
          spec(dir, fixture("emit.mjs"), { config: { metrics: { record: [], definitions: [], lines: true, file } } }),
        ),
        /is not inside the trial's output directory/,
      );
    assert.equal(readFileSync(precious, "utf8"), "keep me");
  });

  it("stops on abort and reports the trial as interrupted", LIMIT, async (t) => {
    const dir = tempDir(t);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const outcome = await runTrial(
      spec(dir, fixture("emit.mjs", "out:loss=1", "sleep:5000", 'file:{"val_loss": 1}'), {
        signal: controller.signal,
      }),
    );
    assert.deepEqual(outcome, { kind: "interrupted" });
    // Stopped before the trial's sleep ended and it wrote its metrics.
    assert.equal(existsSync(join(dir, "out", "metrics.json")), false);
  });

  it("does not start work for an already aborted signal", LIMIT, async (t) => {
    const dir = tempDir(t);
    const controller = new AbortController();
    controller.abort();
    const outcome = await runTrial(
      spec(dir, fixture("emit.mjs", "sleep:5000", 'file:{"val_loss": 1}'), { signal: controller.signal }),
    );
    assert.deepEqual(outcome, { kind: "interrupted" });
    assert.equal(existsSync(join(dir, "out", "metrics.json")), false, "the trial never ran to its end");
  });

  it("does not read a metrics file left by an earlier attempt", LIMIT, async (t) => {
    const dir = tempDir(t);
    const out = join(dir, "out");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "metrics.json"), '{"val_loss": 0.01}');
    const attempt = finished(await runTrial(spec(dir, fixture("emit.mjs", "out:hello"), { attempt: 2 })));
    assert.match(failed(attempt), /metrics\.json was not written/);
    assert.equal(existsSync(join(out, "metrics.json")), false);
  });

  it("uses metrics.file as the metrics file's name", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      await runTrial(
        spec(dir, fixture("emit.mjs", 'file:{"val_loss": 0.5}'), {
          config: { metrics: { record: [], definitions: [], lines: true, file: "results.json" } },
        }),
      ),
    );
    assert.equal(attempt.status, "succeeded", JSON.stringify(attempt));
    assert.equal(readFileSync(join(dir, "out", "results.json"), "utf8"), '{"val_loss": 0.5}');
  });

  it("writes all output to log.txt and keeps a bounded tail", LIMIT, async (t) => {
    const dir = tempDir(t);
    const attempt = finished(
      await runTrial(spec(dir, fixture("emit.mjs", "lines:2000", "out:final words", 'file:{"val_loss": 1}'))),
    );
    assert.equal(attempt.status, "succeeded", JSON.stringify(attempt));
    const log = readFileSync(join(dir, "out", "log.txt"), "utf8");
    assert.ok(log.startsWith("line 1 of 2000\nline 2 of 2000\n"), log.slice(0, 100));
    assert.ok(log.endsWith("line 2000 of 2000\nfinal words\n"));
    assert.equal(log.split("\n").length, 2002);
    assert.ok(attempt.logTail.length <= 4000, `tail is ${attempt.logTail.length} chars`);
    assert.equal(attempt.logTail.replace(/\n$/, "").split("\n").length, 40, "the tail keeps the last 40 lines");
    assert.ok(attempt.logTail.endsWith("line 2000 of 2000\nfinal words\n"), attempt.logTail.slice(-100));
    assert.ok(!attempt.logTail.includes("line 1 of 2000\n"));
  });
});
