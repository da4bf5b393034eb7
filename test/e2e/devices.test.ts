/**
 * The local runner on a GPU workstation: `parallel` and `devices` cap the
 * processes running at once, each holding its own slot and device. What ran
 * when is read from the trials' own journal, never from the clock.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli.ts";

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

  it("a config's devices are checked, naming the field", async () => {
    const { config, env } = setup("devices: [0, 0]\n", 1);
    const done = await runCli(["validate", config], { env });
    assert.equal(done.code, 2);
    assert.match(done.stderr, /devices: each device may be listed only once/);
  });
});

describe("parallel counts processes", () => {
  it("repeats 2 × folds 3 with parallel 2: 12 runs, never more than 2 at once, slots 0 and 1, no CUDA_VISIBLE_DEVICES", async () => {
    const { config, journal, env } = setup("repeats: 2\nfolds: 3\nbudget: {max_trials: 2, parallel: 2}\n", 12);
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
  });
});
