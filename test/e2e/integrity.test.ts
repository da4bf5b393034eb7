/**
 * Study integrity with the real CLI and real processes: one writer per study,
 * no trial outliving its run, bounded state however much a trial prints.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CURVE_POINTS } from "../../src/study/curve.ts";
import { runCli, startCli } from "../helpers/cli.ts";
import { type CountedStudy, countedStudy } from "../helpers/counted.ts";
import { alive } from "../helpers/processes.ts";

/** Generous: these start several Node processes each, on machines that may be busy. */
const LIMIT = { timeout: 120_000 };

function setup(t: TestContext, extra = ""): CountedStudy {
  const study = countedStudy({ trials: 4, extra, fixtures: ["chatty.mjs"] });
  t.after(() => rmSync(study.dir, { recursive: true, force: true }));
  return study;
}

async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Lock {
  pid: number;
  host: string;
  startedAt: string;
  trials: { run: string; pid: number }[];
}
const readLock = (study: string): Lock | undefined => {
  try {
    return JSON.parse(readFileSync(join(study, "lock"), "utf8"));
  } catch {
    return undefined;
  }
};
/** The lock once it lists `n` running trials. */
async function lockWithTrials(study: string, n: number): Promise<Lock> {
  await waitFor(() => (readLock(study)?.trials.length ?? 0) >= n, `${n} running trials in the lock`);
  return readLock(study)!;
}

const starts = (journal: string) =>
  existsSync(journal)
    ? readFileSync(journal, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("start"))
    : [];

describe("one writer per study", () => {
  it("a second run refuses with exit code 4 and names the holder; the first keeps every result", LIMIT, async (t) => {
    const { config, journal, study } = setup(t);
    const first = startCli(["run", config], { env: { JOURNAL: journal, SLEEP_MS: "1500" } });
    const lock = await lockWithTrials(study, 1);
    assert.equal(lock.pid, first.child.pid);
    const second = await runCli(["run", config, "--resume"], { env: { JOURNAL: journal, SLEEP_MS: "0" } });
    assert.equal(second.code, 4, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`being run by pid ${lock.pid} on this host \\(${hostname()}\\) since ${lock.startedAt}`),
    );
    const done = await first.done;
    assert.equal(done.code, 0, done.stderr);
    const state = JSON.parse(readFileSync(join(study, "state.json"), "utf8"));
    assert.equal(state.trials.filter((x: { status: string }) => x.status === "succeeded").length, 4);
    assert.equal(starts(journal).length, 4, "the refused run started no trial");
    assert.equal(existsSync(join(study, "lock")), false, "released at the end");
  });
});

describe("no trial outlives its run", () => {
  for (const how of ["SIGHUP", "SIGTERM", "a second SIGINT"] as const) {
    it(`${how} stops the trials before the CLI exits`, LIMIT, async (t) => {
      const { config, journal, study } = setup(t);
      const run = startCli(["run", config], { env: { JOURNAL: journal, SLEEP_MS: "600000" } });
      const { trials } = await lockWithTrials(study, 2);
      if (how === "a second SIGINT") {
        // A trial that ignores SIGTERM would keep the first Ctrl-C waiting: the second ends it.
        run.child.kill("SIGINT");
        await sleep(100);
        run.child.kill("SIGINT");
      } else run.child.kill(how);
      const done = await run.done;
      assert.equal(done.code, 130, done.stderr);
      await waitFor(() => trials.every((x) => !alive(x.pid)), "the trials to end", 15_000);
      assert.equal(existsSync(join(study, "lock")), false, "the lock is released");
    });
  }

  it(
    "a resume after kill -9 ends the trials the dead run left, says which, and never runs beside them",
    LIMIT,
    async (t) => {
      const { config, journal, study } = setup(t);
      const run = startCli(["run", config], { env: { JOURNAL: journal, SLEEP_MS: "600000" } });
      const lock = await lockWithTrials(study, 2);
      run.child.kill("SIGKILL");
      await run.done;
      assert.ok(
        lock.trials.every((x) => alive(x.pid)),
        "the orphaned trials still run",
      );
      const resumed = await runCli(["run", config, "--resume"], { env: { JOURNAL: journal, SLEEP_MS: "10" } });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, new RegExp(`taking over the lock of pid ${lock.pid}`));
      for (const x of lock.trials) {
        assert.match(resumed.stderr, new RegExp(`stopped the trial run ${x.run} \\(pid ${x.pid}, `));
        assert.equal(alive(x.pid), false, `trial pid ${x.pid} still runs`);
      }
      const state = JSON.parse(readFileSync(join(study, "state.json"), "utf8"));
      assert.equal(state.trials.filter((x: { status: string }) => x.status === "succeeded").length, 4);
    },
  );
});

describe("bounded state", () => {
  it("a trial printing 300 000 step lines keeps a bounded curve and a small state", LIMIT, async (t) => {
    const { config, study } = setup(t);
    writeFileSync(
      config,
      `name: counted
command: [node, chatty.mjs, "300000", "123457"]
objective: {metric: acc, goal: maximize}
parameters:
  x: {type: float, min: 0, max: 1}
budget: {max_trials: 1}
`,
    );
    const done = await runCli(["run", config]);
    assert.equal(done.code, 0, done.stderr);
    const path = join(study, "state.json");
    const state = JSON.parse(readFileSync(path, "utf8"));
    const curve: { step: number; values: { acc: number } }[] = state.trials[0].attempts[0].intermediate;
    assert.ok(curve.length <= CURVE_POINTS + 3, `${curve.length} points`);
    const steps = curve.map((p) => p.step);
    for (const s of [0, 123_457, 299_999]) assert.ok(steps.includes(s), `step ${s} kept`);
    assert.ok(statSync(path).size < 100_000, `state.json is ${statSync(path).size} bytes`);
  });
});

describe("a state that cannot be saved", () => {
  it(
    "stops the run with exit code 4 naming the path, ends the other trials and leaves no temporary file",
    LIMIT,
    async (t) => {
      const { dir, config, journal, study } = setup(t);
      const run = startCli(["run", config], { env: { JOURNAL: journal, SLEEP_MS: "0", GATE_DIR: dir } });
      const { trials } = await lockWithTrials(study, 2);
      // A directory where state.json goes: the next save fails, as on a full or read-only disk.
      const state = join(study, "state.json");
      rmSync(state);
      mkdirSync(join(state, "in-the-way"), { recursive: true });
      writeFileSync(join(dir, "go-0"), "");
      const done = await run.done;
      assert.equal(done.code, 4, done.stderr);
      assert.match(done.stderr, new RegExp(`error: cannot save the study state to ${state}: `));
      assert.doesNotMatch(done.stderr, /\n\s+at /, "no stack trace");
      await waitFor(() => trials.every((x) => !alive(x.pid)), "the other trial to end", 15_000);
      assert.deepEqual(
        readdirSync(study).filter((n) => n.endsWith(".tmp") || n === "lock"),
        [],
        "no temporary file, and the lock released",
      );
    },
  );
});

describe("config limits at the command line", () => {
  it("a timeout beyond Node's timers is a config error at its line, not a failed study", LIMIT, async (t) => {
    const { config } = setup(t, "timeout: 597h\n");
    const done = await runCli(["run", config]);
    assert.equal(done.code, 2, done.stderr);
    const line = readFileSync(config, "utf8").split("\n").indexOf("timeout: 597h") + 1;
    assert.match(done.stderr, new RegExp(`tune\\.yml:${line}:10: timeout: at most 2147483 seconds`));
  });
});

describe("a real full disk and a real read-only disk (tmpfs)", () => {
  /** A small tmpfs for the test, or the reason there cannot be one here (not root, no mount in a container). */
  function smallDisk(t: TestContext, kb: number): string | undefined {
    const dir = mkdtempSync(join(tmpdir(), "mt-tmpfs-"));
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", dir], { encoding: "utf8" });
    if (mounted.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      t.skip(`cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || "").trim()}): needs root`);
      return undefined;
    }
    t.after(() => {
      spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    return dir;
  }
  const study = (dir: string) => join(dir, ".matrix-tune", "counted");
  const leftovers = (dir: string) => readdirSync(study(dir)).filter((n) => n.endsWith(".tmp"));
  const writeConfig = (dir: string, trials: number) =>
    writeFileSync(
      join(dir, "tune.yml"),
      `name: counted\ncommand: [node, -e, "console.log('loss=' + process.argv[1])", "\${x}"]\nobjective: {metric: loss, goal: minimize}\nparameters:\n  x: {type: float, min: 0, max: 1}\nstrategy: sobol\nbudget: {max_trials: ${trials}, parallel: 4}\n`,
    );

  it(
    "a disk that fills up mid-study: exit 4 naming the state file, no stack trace, no temporary file, the saved state intact",
    LIMIT,
    async (t) => {
      const dir = smallDisk(t, 256);
      if (!dir) return;
      writeConfig(dir, 200);
      const done = await runCli(["run", join(dir, "tune.yml"), "--no-progress"]);
      assert.equal(done.code, 4, done.stdout + done.stderr);
      assert.match(done.stderr, /error: cannot save the study state to .*state\.json: ENOSPC/);
      assert.doesNotMatch(done.stdout + done.stderr, /\n\s+at /, "no stack trace");
      assert.deepEqual(leftovers(dir), []);
      const saved = JSON.parse(readFileSync(join(study(dir), "state.json"), "utf8"));
      assert.ok(
        saved.trials.some((x: { status: string }) => x.status === "succeeded"),
        "what finished before is kept",
      );
    },
  );

  it("a study on a disk that became read-only: --resume says so and changes nothing", LIMIT, async (t) => {
    const dir = smallDisk(t, 4096);
    if (!dir) return;
    writeConfig(dir, 4);
    assert.equal((await runCli(["run", join(dir, "tune.yml"), "--no-progress"])).code, 0);
    const before = readFileSync(join(study(dir), "state.json"), "utf8");
    assert.equal(spawnSync("mount", ["-o", "remount,ro", dir]).status, 0);
    const done = await runCli(["run", join(dir, "tune.yml"), "--resume", "--max-trials", "8", "--no-progress"]);
    assert.equal(done.code, 4, done.stdout + done.stderr);
    assert.match(done.stderr, /EROFS: read-only file system/);
    assert.doesNotMatch(done.stdout + done.stderr, /\n\s+at /, "no stack trace");
    assert.equal(readFileSync(join(study(dir), "state.json"), "utf8"), before);
  });
});
