/**
 * The local runner on a GPU workstation: `parallel` and `devices` cap the
 * processes running at once, each holding its own slot and device, and every
 * run leaves best.json and `report --json` that scripts can read. What ran
 * when is read from the trials' own journal, never from the clock.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { bestJsonSchema, studyJsonSchema } from "../../src/report/json.ts";
import { ROOT, runCli, startCli } from "../helpers/cli.ts";

interface Entry {
  event: "start" | "end";
  run: string;
  slot: string;
  device: string | null;
  cuda: string | null;
}

/** A one-round study of the slotted trial, `runs` processes in all, `together` of them held until all have started. */
function setup(
  yaml: string,
  runs: number,
  together = 2,
): { dir: string; config: string; journal: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "mt-devices-"));
  copyFileSync(join(ROOT, "test/fixtures/cli/slotted.mjs"), join(dir, "slotted.mjs"));
  const config = join(dir, "tune.yml");
  writeFileSync(
    config,
    `name: slots
command: [node, slotted.mjs]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
strategy: sobol
env: {JOURNAL: {from: JOURNAL}, RUNS: "${runs}", TOGETHER: "${together}"}
${yaml}`,
  );
  const journal = join(dir, "journal.jsonl");
  writeFileSync(journal, "");
  // Our own CUDA_VISIBLE_DEVICES would pass to trials: leave it out, to see what the runner sets.
  return { dir, config, journal, env: { JOURNAL: journal, CUDA_VISIBLE_DEVICES: undefined } };
}

const readJournal = (path: string): Entry[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Replays the journal: the most runs that were between start and end at once, and every run a start found running. */
function replay(entries: Entry[]): { most: number; overlaps: [Entry, Entry[]][] } {
  const active = new Map<string, Entry>();
  let most = 0;
  const overlaps: [Entry, Entry[]][] = [];
  for (const e of entries) {
    if (e.event === "end") {
      assert.ok(active.delete(e.run), `run ${e.run} ended without starting`);
      continue;
    }
    overlaps.push([e, [...active.values()]]);
    active.set(e.run, e);
    most = Math.max(most, active.size);
  }
  assert.equal(active.size, 0, "every run that started ended");
  return { most, overlaps };
}

describe("devices: one GPU per running trial", () => {
  it("runs 2 of parallel 4 at a time, never two on one device, slot i on device i", async () => {
    const { config, journal, env } = setup("devices: [a, b]\nbudget: {max_trials: 4, parallel: 4}\n", 4);
    const done = await runCli(["run", config], { env });
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /4 trials per round, 2 processes at a time on devices a,b/);

    const entries = readJournal(journal);
    assert.equal(entries.filter((e) => e.event === "start").length, 4);
    const { most, overlaps } = replay(entries);
    assert.equal(most, 2, "two ran at once, and never more");
    for (const [start, running] of overlaps) {
      assert.equal(start.device, ["a", "b"][Number(start.slot)], `run ${start.run}: slot ${start.slot}`);
      assert.equal(start.cuda, start.device, "CUDA_VISIBLE_DEVICES is the slot's device");
      for (const other of running) assert.notEqual(other.device, start.device, `${start.run} and ${other.run}`);
    }
  });

  it("--devices overrides the config's, and a bad list is refused naming the flag", async () => {
    const { config, journal, env } = setup("devices: [a, b]\nbudget: {max_trials: 3, parallel: 3}\n", 3, 3);
    const done = await runCli(["run", config, "--devices", "GPU-7,GPU-9,GPU-8"], { env });
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /3 processes at a time on devices GPU-7,GPU-9,GPU-8/);
    const { most, overlaps } = replay(readJournal(journal));
    assert.equal(most, 3);
    assert.deepEqual(new Set(overlaps.map(([s]) => s.cuda)), new Set(["GPU-7", "GPU-9", "GPU-8"]));

    const bad = await runCli(["run", config, "--devices", "0,,1"], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--devices is a comma-separated list/);
  });

  it("a config's devices are checked, naming the field, and validate says what a local run does with them", async () => {
    const { config, env } = setup("devices: [0, 0]\n", 1);
    const done = await runCli(["validate", config], { env });
    assert.equal(done.code, 2);
    assert.match(done.stderr, /devices: each device may be listed only once/);

    const good = setup("devices: [0, GPU-5]\nrepeats: 3\nbudget: {parallel: 4}\n", 1);
    const valid = await runCli(["validate", good.config], { env: good.env });
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(
      valid.stdout,
      /matrix-tune run: 4 trials per round × 3 runs each, 2 processes at a time on devices 0,GPU-5/,
    );
  });
});

describe("parallel counts processes", () => {
  it("repeats 2 × folds 3 with parallel 2: 12 runs, never more than 2 at once, slots 0 and 1, no CUDA_VISIBLE_DEVICES", async () => {
    const { config, journal, env, dir } = setup("repeats: 2\nfolds: 3\nbudget: {max_trials: 2, parallel: 2}\n", 12);
    const done = await runCli(["run", config], { env });
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /2 trials per round × 6 runs each, 2 processes at a time →/);

    const entries = readJournal(journal);
    assert.equal(entries.filter((e) => e.event === "start").length, 12);
    const { most, overlaps } = replay(entries);
    assert.equal(most, 2);
    for (const [start, running] of overlaps) {
      assert.ok(["0", "1"].includes(start.slot), `slot ${start.slot}`);
      assert.equal(start.cuda, null);
      for (const other of running) assert.notEqual(other.slot, start.slot);
    }

    // The whole study, as JSON, agrees with the state it was read from.
    const report = await runCli(["report", "--json", config], { env });
    assert.equal(report.code, 0, report.stderr);
    const json = studyJsonSchema.parse(JSON.parse(report.stdout));
    const state = JSON.parse(readFileSync(join(dir, ".matrix-tune/slots/state.json"), "utf8"));
    assert.equal(json.study, "slots");
    assert.equal(json.status, "finished");
    assert.equal(json.stop?.code, state.stop.code);
    assert.deepEqual(json.counts, { trials: 2, succeeded: 2, failed: 0, pruned: 0, pending: 0, running: 0 });
    for (const t of json.trials) {
      assert.deepEqual(t.params, state.trials[t.id].params);
      assert.deepEqual(
        t.members.map((m) => m.member),
        [0, 1, 2, 3, 4, 5],
      );
      // The fixture reports loss = x for every member, so their mean is x.
      assert.equal(t.value, t.params.x);
    }
    const best = json.trials.reduce((a, b) => (b.value! < a.value! ? b : a));
    assert.deepEqual(json.best, { trial: best.id, value: best.value, params: best.params });
    const bestFile = bestJsonSchema.parse(JSON.parse(readFileSync(join(dir, ".matrix-tune/slots/best.json"), "utf8")));
    assert.deepEqual(bestFile, {
      version: 1,
      study: "slots",
      metric: "loss",
      goal: "minimize",
      trial: best.id,
      value: best.value,
      params: best.params,
    });
  });
});

describe("best.json", () => {
  it("is written by an interrupted run: trial null before any succeeded, then the best of what finished", async () => {
    // RUNS beyond the study's 4 runs: the runs hold on for successors that never come.
    const { dir, config, journal, env } = setup("budget: {max_trials: 4, parallel: 2}\n", 99, 99);
    const stateFile = join(dir, ".matrix-tune/slots/state.json");
    const bestFile = join(dir, ".matrix-tune/slots/best.json");
    const readBest = () => bestJsonSchema.parse(JSON.parse(readFileSync(bestFile, "utf8")));
    const interrupt = async (args: string[], ready: () => boolean) => {
      const run = startCli(["run", config, ...args], { env });
      for (let i = 0; i < 2000 && !ready(); i++) await sleep(25);
      run.child.kill("SIGINT");
      const done = await run.done;
      assert.equal(done.code, 130, done.stderr);
    };

    // Every run holds on, so none has finished when the run is stopped.
    await interrupt([], () => readJournal(journal).length > 0);
    assert.deepEqual(readBest(), {
      version: 1,
      study: "slots",
      metric: "loss",
      goal: "minimize",
      trial: null,
      value: null,
      params: null,
    });

    // Resumed holding on for one successor: the first two runs end, the last two wait.
    writeFileSync(config, readFileSync(config, "utf8").replace('TOGETHER: "99"', 'TOGETHER: "2"'));
    const succeeded = () =>
      JSON.parse(readFileSync(stateFile, "utf8")).trials.filter((t: { status: string }) => t.status === "succeeded");
    await interrupt(["--resume"], () => succeeded().length >= 2);
    const finished: { id: number; params: { x: number } }[] = succeeded();
    // The fixture reports loss = x.
    const best = finished.reduce((a, b) => (b.params.x < a.params.x ? b : a));
    assert.deepEqual(readBest(), {
      version: 1,
      study: "slots",
      metric: "loss",
      goal: "minimize",
      trial: best.id,
      value: best.params.x,
      params: best.params,
    });

    const report = studyJsonSchema.parse(JSON.parse((await runCli(["report", "--json", config])).stdout));
    assert.equal(report.status, "unfinished");
    assert.equal(report.stop, null);
    assert.equal(report.counts.succeeded, finished.length);
    assert.deepEqual(report.best, { trial: best.id, value: best.params.x, params: best.params });
  });
});
