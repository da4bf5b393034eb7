/**
 * Multi-fidelity through the real CLI and real processes: hyperband's rungs with
 * checkpoints carried from parent to promoted trial, an interrupted hyperband
 * study resumed, median pruning, repeats × folds members, and config checks.
 * The trainer (test/fixtures/curve-trainer.mjs) is deterministic, so every
 * value, promotion and pruning decision is checked against a computed one.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { trialValue } from "../../src/protocol/trial-value.ts";
import { placementOf } from "../../src/strategy/hyperband/placement.ts";
import { readStudy } from "../../src/study/store.ts";
import { ROOT, runCli, startCli } from "../helpers/cli.ts";

interface Attempt {
  attempt: number;
  member?: number;
  status: "succeeded" | "failed" | "pruned";
  value?: number;
  reason?: string;
  signal: string | null;
  intermediate: { step: number; values: Record<string, number> }[];
}
interface Trial {
  id: number;
  status: string;
  params: { quality: number };
  resource?: number;
  strategyData?: Record<string, unknown>;
  parent?: number;
  attempts: Attempt[];
}
interface State {
  trials: Trial[];
  rounds: { index: number; runs: { trialId: number; attempt: number; member?: number }[] }[];
  stop?: { code: string; message: string };
}
interface JournalEntry {
  trial: number;
  seed: number;
  fold: number;
  from: number;
  to: number;
}

/** What the trainer reports after `epochs` epochs: q·(1 − 0.5^e) + 0.001·seed + 0.0001·fold, to 6 places. */
const accuracy = (quality: number, epochs: number, seed = 0, fold = 0) =>
  Number((quality * (1 - 0.5 ** epochs) + 0.001 * seed + 0.0001 * fold).toFixed(6));

/** How the CLI prints the best value (6 significant digits). */
const fmt6 = (v: number) => String(Number(v.toPrecision(6)));

interface Study {
  dir: string;
  config: string;
  journal: string;
  stateDir: string;
  state: () => State;
  entries: () => JournalEntry[];
  runDir: (key: string) => string;
}

/** A temporary directory with the curve trainer and a tune.yml whose `env` points the trainer's journal there. */
function study(name: string, body: (journal: string) => string): Study {
  const dir = mkdtempSync(join(tmpdir(), `mt-mf-${name}-`));
  copyFileSync(join(ROOT, "test/fixtures/curve-trainer.mjs"), join(dir, "curve-trainer.mjs"));
  const journal = join(dir, "journal.jsonl");
  const config = join(dir, "tune.yml");
  writeFileSync(config, `name: ${name}\n${body(journal)}`);
  const stateDir = join(dir, ".matrix-tune", name);
  return {
    dir,
    config,
    journal,
    stateDir,
    state: () => JSON.parse(readFileSync(join(stateDir, "state.json"), "utf8")),
    entries: () => readLines<JournalEntry>(journal),
    runDir: (key) => join(stateDir, "trials", key),
  };
}

function readLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

function checkpointEpoch(runDir: string): number | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, "checkpoint", "checkpoint.json"), "utf8")).epoch;
  } catch {
    return undefined;
  }
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

// ─── hyperband ───────────────────────────────────────────────────────────────

const hyperbandConfig = (sleepMs: number) => (journal: string) =>
  `command: [node, curve-trainer.mjs, "--quality=\${quality}", "--epochs=\${epochs}", "--sleep-ms=${sleepMs}"]
env: {CURVE_JOURNAL: ${JSON.stringify(journal)}}
objective: {metric: val_accuracy, goal: maximize}
parameters:
  quality: {type: float, min: 0.1, max: 1}
strategy: hyperband
resource: {name: epochs, min: 1, max: 9, eta: 3}
budget: {max_trials: 22, parallel: 4}
`;

/**
 * One hyperband iteration with min 1, max 9, η 3 (s_max = 2), worked out by
 * hand from Li et al.: bracket s starts ⌈3/(s+1)·3^s⌉ configurations at 9·3^-s,
 * each rung keeping a third of them at three times the epochs.
 */
const LAYOUT = [
  [
    { size: 9, epochs: 1 },
    { size: 3, epochs: 3 },
    { size: 1, epochs: 9 },
  ],
  [
    { size: 5, epochs: 3 },
    { size: 1, epochs: 9 },
  ],
  [{ size: 3, epochs: 9 }],
];
const ITERATION_TRIALS = 22; // 9+3+1 + 5+1 + 3
const ITERATION_EPOCHS = 78; // 9+9+9 + 15+9 + 27
const SAVED_BY_CHECKPOINTS = 3 * 1 + 1 * 3 + 1 * 3; // each promoted trial skips its parent's epochs

/**
 * The invariants of a finished hyperband iteration, from the state, the trial
 * directories and the trainer's journal: the layout, promotions of the best,
 * values equal to training from scratch, and every promoted trial's first run
 * starting from its parent's checkpoint, which itself stays untouched.
 */
function checkIteration(s: Study): State {
  const state = s.state();
  const { trials } = state;
  assert.equal(trials.length, ITERATION_TRIALS);
  for (const t of trials) {
    assert.equal(t.status, "succeeded", `trial ${t.id}: ${JSON.stringify(t.attempts.at(-1)?.reason)}`);
    assert.equal(t.attempts.length, 1, `trial ${t.id} has one attempt`);
    // Resumed or not, the value is what training from scratch to the resource gives.
    assert.equal(t.attempts[0]!.value, accuracy(t.params.quality, t.resource!), `trial ${t.id}'s value`);
  }
  for (const r of state.rounds) assert.ok(r.runs.length <= 4, `round ${r.index} has at most parallel=4 runs`);

  assert.deepEqual([...new Set(trials.map((t) => placementOf(t)?.bracket))].sort(), [0, 1, 2]);
  for (const [k, rungs] of LAYOUT.entries())
    for (const [i, rung] of rungs.entries()) {
      const here = trials.filter((t) => placementOf(t)?.bracket === k && placementOf(t)?.rung === i);
      assert.equal(here.length, rung.size, `bracket ${k} rung ${i} has ${rung.size} trials`);
      for (const t of here) assert.equal(t.resource, rung.epochs, `trial ${t.id} trains ${rung.epochs} epochs`);
      if (i === 0) {
        for (const t of here) assert.equal(t.parent, undefined, `trial ${t.id} is a new configuration`);
        continue;
      }
      // The rung continues the best ⌊n/η⌋ of the rung below (ties to the earlier trial).
      const below = trials.filter((t) => placementOf(t)?.bracket === k && placementOf(t)?.rung === i - 1);
      const best = below
        .map((t) => ({ id: t.id, v: t.attempts[0]!.value! }))
        .sort((a, b) => b.v - a.v || a.id - b.id)
        .slice(0, rung.size)
        .map((b) => b.id);
      assert.deepEqual(here.map((t) => t.parent).sort(), best.sort(), `bracket ${k} rung ${i} promotes the best`);
      for (const t of here) assert.deepEqual(t.params, trials[t.parent!]!.params);
    }

  const journal = s.entries();
  for (const t of trials) {
    const runs = journal.filter((e) => e.trial === t.id);
    assert.ok(runs.length >= 1, `trial ${t.id} ran`);
    const parent = t.parent === undefined ? undefined : trials[t.parent]!;
    const start = parent ? parent.resource! : 0;
    assert.equal(runs[0]!.from, start, `trial ${t.id}'s first run starts from epoch ${start}`);
    for (const r of runs) {
      assert.equal(r.to, t.resource);
      assert.ok(r.from >= start, `trial ${t.id} never starts before its parent's epochs`);
    }
    // The log is the last run's: it resumed from what the journal says it started from.
    const log = readFileSync(join(s.runDir(`${t.id}-1`), "log.txt"), "utf8");
    const last = runs.at(-1)!;
    if (last.from > 0) assert.match(log, new RegExp(`^resumed from epoch=${last.from}$`, "m"), `trial ${t.id}`);
    else assert.doesNotMatch(log, /resumed/, `trial ${t.id} started from scratch`);
    // A copy was continued: the parent's own checkpoint is where the parent left it.
    if (parent)
      assert.equal(checkpointEpoch(s.runDir(`${parent.id}-1`)), parent.resource, `trial ${parent.id}'s checkpoint`);
    assert.equal(checkpointEpoch(s.runDir(`${t.id}-1`)), t.resource, `trial ${t.id} saved its last epoch`);
  }
  return state;
}

describe("hyperband through the CLI", () => {
  it("runs one iteration's brackets and rungs, promoted trials continuing their parents' checkpoints", async () => {
    const s = study("hb", hyperbandConfig(0));
    const r = await runCli(["run", s.config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `3 brackets of \\(trials×epochs\\) 9×1→3×3→1×9, 5×3→1×9, 3×9; one iteration is ${ITERATION_TRIALS} trials and ${ITERATION_EPOCHS} epochs`,
      ),
    );
    assert.match(r.stderr, /bracket 0 rung 1 \(epochs 3\) continues trials \d+, \d+, \d+/);
    const state = checkIteration(s);
    assert.equal(state.stop?.code, "max_trials");
    assert.match(r.stdout, /22 trials in \d+ rounds\b.*, 22 succeeded/);

    // Exactly one run per trial (so each promoted one's only run started at its parent's epochs).
    const journal = s.entries();
    assert.equal(journal.length, ITERATION_TRIALS);
    const trained = journal.reduce((n, e) => n + e.to - e.from, 0);
    const fromScratch = journal.reduce((n, e) => n + e.to, 0);
    assert.equal(fromScratch, ITERATION_EPOCHS);
    assert.equal(trained, ITERATION_EPOCHS - SAVED_BY_CHECKPOINTS, "epochs trained with checkpoints");
    assert.ok(trained < fromScratch);

    // The best is a full-resource trial, named by the terminal report and report.md.
    const best = state.trials.reduce((a, b) => (b.attempts[0]!.value! > a.attempts[0]!.value! ? b : a));
    assert.equal(best.resource, 9);
    const line = `# best: trial ${best.id}, val_accuracy = ${fmt6(best.attempts[0]!.value!)}`;
    assert.ok(r.stdout.includes(line), `stdout names the best: ${line}\n${r.stdout}`);
    assert.ok(readFileSync(join(s.stateDir, "report.md"), "utf8").includes(line), "report.md names the best");
  });

  it("resumes after Ctrl-C mid-round: no finished trial runs again, an interrupted one keeps its own checkpoint", async () => {
    const s = study("hbi", hyperbandConfig(80));
    const first = startCli(["run", s.config]);
    // Stop while a promoted trial is halfway through its epochs, with two or more to go so it cannot finish first.
    const caught = await waitFor(() => {
      let state: State;
      try {
        state = s.state();
      } catch {
        return undefined;
      }
      for (const t of state.trials) {
        if (t.parent === undefined || t.status !== "running") continue;
        const epoch = checkpointEpoch(s.runDir(`${t.id}-1`));
        const from = state.trials[t.parent]!.resource!;
        if (epoch !== undefined && epoch > from && epoch < t.resource! - 1) return { id: t.id, from };
      }
      return undefined;
    }, "a promoted trial in the middle of its epochs");
    first.child.kill("SIGINT");
    const stopped = await first.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /--resume/);

    const before = s.state();
    const finished = before.trials.filter((t) => t.status === "succeeded");
    // A promotion exists only once bracket 0's first rung of 9 is done.
    assert.ok(finished.length >= 9, `rungs below the interrupted one finished (${finished.length})`);
    for (const t of before.trials)
      if (t.parent !== undefined) assert.equal(before.trials[t.parent]!.status, "succeeded", `parent of ${t.id}`);
    assert.notEqual(before.trials[caught.id]!.status, "succeeded");
    // The interrupted run saved some epochs of its own past its parent's.
    const savedAtStop = checkpointEpoch(s.runDir(`${caught.id}-1`))!;
    assert.ok(savedAtStop > caught.from, `checkpoint at epoch ${savedAtStop}, parent's ${caught.from}`);
    const runsBefore = s.entries().length;

    const resumed = await runCli(["run", s.config, "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /\(resumed\): trials .*\b/);
    const after = checkIteration(s);
    for (const t of finished) assert.deepEqual(after.trials[t.id], t, `finished trial ${t.id} kept as it was`);

    const again = s.entries().slice(runsBefore);
    const rerun = again.map((e) => e.trial);
    for (const t of finished) assert.ok(!rerun.includes(t.id), `finished trial ${t.id} ran again`);
    assert.equal(new Set(rerun).size, rerun.length, "each trial ran at most once after the resume");
    const continued = again.find((e) => e.trial === caught.id);
    assert.ok(continued, `the interrupted trial ${caught.id} ran again`);
    assert.equal(continued.from, savedAtStop, "the re-run continued its own checkpoint, not its parent's copy");
    const log = readFileSync(join(s.runDir(`${caught.id}-1`), "log.txt"), "utf8");
    assert.match(log, new RegExp(`^resumed from epoch=${savedAtStop}$`, "m"));
  });
});

// ─── median pruning ──────────────────────────────────────────────────────────

const median = (vs: readonly number[]) => {
  const s = [...vs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt4 = (v: number) => Number(v.toPrecision(4)).toString();

describe("early_stopping: median", () => {
  it("stops a trial below the median of earlier ones mid-run, as pruned, not failed", async () => {
    const EPOCHS = 6;
    const s = study(
      "pr",
      (journal) => `command: [node, curve-trainer.mjs, "--quality=\${quality}", "--epochs=\${epochs}", "--sleep-ms=50"]
env: {CURVE_JOURNAL: ${JSON.stringify(journal)}}
objective: {metric: val_accuracy, goal: maximize}
parameters:
  quality: {type: float, min: 0.1, max: 1}
strategy: random
resource: {name: epochs, min: 1, max: ${EPOCHS}}
early_stopping: {rule: median, min_trials: 2, min_steps: 1}
budget: {max_trials: 8, parallel: 1, max_failures: 0}
`,
    );
    const r = await runCli(["run", s.config]);
    assert.equal(r.code, 0, r.stderr);
    const state = s.state();
    // max_failures is 0: had a pruned trial counted as a failure, the study would have stopped at it.
    assert.equal(state.stop?.code, "max_trials", state.stop?.message);
    assert.equal(state.trials.length, 8);

    // Replay the rule: each trial against the curves of the trials before it (parallel 1, so in order).
    const earlier: Map<number, number>[] = [];
    let prunedCount = 0;
    for (const t of state.trials) {
      const q = t.params.quality;
      assert.equal(t.resource, EPOCHS, "other strategies train at the full resource");
      const a = t.attempts[0]!;
      assert.equal(t.attempts.length, 1);
      for (const p of a.intermediate) assert.equal(p.values.val_accuracy, accuracy(q, p.step), `trial ${t.id}`);
      let expected: { step: number; best: number; median: number } | undefined;
      let best = Number.NEGATIVE_INFINITY;
      for (let step = 1; step <= EPOCHS && !expected; step++) {
        best = Math.max(best, accuracy(q, step));
        const at = earlier.flatMap((c) => (c.has(step) ? [c.get(step)!] : []));
        if (at.length >= 2 && median(at) > best) expected = { step, best, median: median(at) };
      }
      earlier.push(new Map(a.intermediate.map((p) => [p.step, p.values.val_accuracy!])));
      if (!expected) {
        assert.equal(t.status, "succeeded", `trial ${t.id} (quality ${q}): ${a.reason}`);
        assert.equal(a.value, accuracy(q, EPOCHS));
        assert.equal(a.intermediate.length, EPOCHS);
        continue;
      }
      prunedCount++;
      assert.ok(t.id >= 2, "no trial is pruned before min_trials earlier trials reported");
      assert.equal(t.status, "pruned", `trial ${t.id} (quality ${q}) should be pruned at step ${expected.step}`);
      assert.equal(
        a.reason,
        `pruned at step ${expected.step}: best val_accuracy so far ${fmt4(expected.best)} is worse than the median ${fmt4(expected.median)} of earlier trials (early_stopping: median)`,
      );
      assert.equal(a.value, expected.best);
      assert.equal(a.signal, "SIGTERM", "the trial's process group was stopped");
      // It was asked for every epoch, and stopped well before the last one.
      assert.deepEqual(
        s.entries().filter((e) => e.trial === t.id),
        [{ trial: t.id, seed: 0, fold: 0, from: 0, to: EPOCHS }],
      );
      const epochs = [...readFileSync(join(s.runDir(`${t.id}-1`), "log.txt"), "utf8").matchAll(/^epoch=(\d+)/gm)];
      const last = Number(epochs.at(-1)![1]);
      assert.ok(last >= expected.step && last < EPOCHS, `trial ${t.id} stopped at epoch ${last} of ${EPOCHS}`);
      // The trainer prints an epoch before saving it, so the stop may land in between.
      assert.ok([last - 1, last].includes(checkpointEpoch(s.runDir(`${t.id}-1`)) ?? 0), "checkpoint where it stopped");
      assert.ok(!existsSync(join(s.runDir(`${t.id}-1`), "metrics.json")), "it never got to write final metrics");
    }
    assert.ok(prunedCount >= 1, "the study has a configuration below the median to prune");
    assert.ok(prunedCount <= 5, "and configurations above it that ran to the end");
    const succeeded = state.trials.filter((t) => t.status === "succeeded").length;
    assert.match(r.stdout, new RegExp(`8 trials in 8 rounds\\b.*, ${succeeded} succeeded, ${prunedCount} pruned`));
    assert.doesNotMatch(r.stdout, /failed/);
  });
});

// ─── repeats and folds ───────────────────────────────────────────────────────

/**
 * Records the argv and TUNE_* variables each run saw, then runs the trainer
 * with the remaining flags: `node probe.mjs <tag> --quality=… --epochs=…`.
 */
const PROBE = `import { appendFileSync } from "node:fs";
const [tag, ...flags] = process.argv.slice(2);
const e = process.env;
appendFileSync(e.PROBE_JOURNAL, JSON.stringify({ trial: Number(e.TUNE_TRIAL_ID), attempt: Number(e.TUNE_ATTEMPT), tag, seed: e.TUNE_SEED, fold: e.TUNE_FOLD, folds: e.TUNE_FOLDS }) + "\\n");
process.argv = [...process.argv.slice(0, 2), ...flags];
await import("./curve-trainer.mjs");
`;
interface ProbeEntry {
  trial: number;
  attempt: number;
  tag: string;
  seed?: string;
  fold?: string;
  folds?: string;
}

function membersStudy(name: string, failWhen: string, extra: string): Study & { probe: () => ProbeEntry[] } {
  let probeJournal = "";
  const s = study(name, (journal) => {
    probeJournal = join(journal, "..", "probe.jsonl");
    return `command: [node, probe.mjs, "s\${seed}-f\${fold}-of\${folds}", "--quality=\${quality}", "--epochs=\${epochs}"]
env: {CURVE_JOURNAL: ${JSON.stringify(journal)}, PROBE_JOURNAL: ${JSON.stringify(probeJournal)}, FAIL_WHEN: "${failWhen}"}
objective: {metric: val_accuracy, goal: maximize}
parameters:
  quality: {type: float, min: 0.1, max: 1}
resource: {name: epochs, min: 1, max: 4}
${extra}`;
  });
  writeFileSync(join(s.dir, "probe.mjs"), PROBE);
  return { ...s, probe: () => readLines<ProbeEntry>(probeJournal) };
}

describe("repeats and folds", () => {
  it("runs every repeat × fold as a member; a trial's value is the mean of the members that succeeded", async () => {
    const s = membersStudy(
      "rf",
      "seed=1,fold=0",
      "repeats: 2\nfolds: 2\nbudget: {max_trials: 3, parallel: 2, max_failures: 0}\n",
    );
    const r = await runCli(["run", s.config]);
    assert.equal(r.code, 0, r.stderr);
    const state = s.state();
    assert.equal(state.stop?.code, "max_trials", "a trial with one failed member is not a failure");
    assert.match(r.stdout, /3 trials in 2 rounds\b.*, 3 succeeded/);
    assert.equal(state.trials.length, 3);

    // The value the study ranks trials by, from the state as matrix-tune reads it.
    const saved = readStudy(join(s.stateDir, "state.json"));
    const probe = s.probe();
    const journal = s.entries();
    const means = new Map<number, number>();
    for (const t of state.trials) {
      const q = t.params.quality;
      assert.equal(t.status, "succeeded");
      // Member m is repeat ⌊m/2⌋ (TUNE_SEED) of fold m%2 (TUNE_FOLD).
      assert.deepEqual(
        t.attempts.map((a) => [a.attempt, a.member, a.status]),
        [
          [1, 0, "succeeded"],
          [1, 1, "succeeded"],
          [1, 2, "failed"],
          [1, 3, "succeeded"],
        ],
      );
      const [m0, m1, m2, m3] = t.attempts;
      assert.equal(m0!.value, accuracy(q, 4, 0, 0));
      assert.equal(m1!.value, accuracy(q, 4, 0, 1));
      assert.equal(m3!.value, accuracy(q, 4, 1, 1));
      assert.match(m2!.reason!, /exited with code 1: error: failing on purpose \(FAIL_WHEN=seed=1,fold=0\)/);
      const mean = (accuracy(q, 4, 0, 0) + accuracy(q, 4, 0, 1) + accuracy(q, 4, 1, 1)) / 3;
      assert.equal(trialValue(saved.trials[t.id]!), mean, `trial ${t.id}'s value`);
      means.set(t.id, mean);

      // Each member in its own directory, with its own checkpoint.
      for (let m = 0; m < 4; m++) assert.ok(existsSync(join(s.runDir(`${t.id}-1-${m}`), "checkpoint")));
      // TUNE_SEED / TUNE_FOLD / TUNE_FOLDS and ${seed} ${fold} ${folds} agree, for all four members.
      const seen = probe.filter((p) => p.trial === t.id);
      assert.deepEqual(seen.map((p) => p.tag).sort(), ["s0-f0-of2", "s0-f1-of2", "s1-f0-of2", "s1-f1-of2"]);
      for (const p of seen) assert.equal(p.tag, `s${p.seed}-f${p.fold}-of${p.folds}`);
      // The trainer itself read them (the failing member exits before its journal line).
      assert.deepEqual(
        journal
          .filter((e) => e.trial === t.id)
          .map((e) => `${e.seed}/${e.fold}`)
          .sort(),
        ["0/0", "0/1", "1/1"],
      );
    }
    const [bestId, bestMean] = [...means.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
    assert.ok(r.stdout.includes(`# best: trial ${bestId}, val_accuracy = ${fmt6(bestMean)}`), r.stdout);
  });

  it("a trial whose members all fail is failed, and retried as a whole with budget.retries", async () => {
    // With one fold every run is fold 0: every member of every attempt fails.
    const s = membersStudy("allfail", "fold=0", "repeats: 2\nbudget: {max_trials: 2, parallel: 2, retries: 1}\n");
    const r = await runCli(["run", s.config]);
    assert.equal(r.code, 3, r.stderr);
    const state = s.state();
    assert.equal(state.stop?.code, "max_failures", state.stop?.message);
    assert.equal(state.rounds.length, 2);
    for (const t of state.trials) {
      assert.equal(t.status, "failed");
      assert.deepEqual(
        t.attempts.map((a) => [a.attempt, a.member, a.status]),
        [
          [1, 0, "failed"],
          [1, 1, "failed"],
          [2, 0, "failed"],
          [2, 1, "failed"],
        ],
      );
      for (const key of ["1-0", "1-1", "2-0", "2-1"]) assert.ok(existsSync(s.runDir(`${t.id}-${key}`)));
    }
    assert.deepEqual(
      state.rounds[1]!.runs.map((x) => [x.trialId, x.attempt, x.member]),
      [
        [0, 2, 0],
        [0, 2, 1],
        [1, 2, 0],
        [1, 2, 1],
      ],
    );
    // Without folds there is no TUNE_FOLD, and ${fold} ${folds} are 0 and 1.
    const probe = s.probe();
    assert.equal(probe.length, 8);
    for (const p of probe) {
      assert.equal(p.tag, `s${p.seed}-f0-of1`);
      assert.equal(p.fold, undefined);
      assert.equal(p.folds, undefined);
    }
    assert.equal(s.entries().length, 0, "no run got past the failure");
  });
});

// ─── validate, plan and config errors ────────────────────────────────────────

describe("multi-fidelity configs", () => {
  const dir = mkdtempSync(join(tmpdir(), "mt-mf-cfg-"));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const head = `name: c
command: [node, train.mjs, "--quality=\${quality}", "--epochs=\${epochs}"]
objective: {metric: val_accuracy, goal: maximize}
parameters:
  quality: {type: float, min: 0.1, max: 1}
`;

  it("validate shows a hyperband config's space; plan's first round trains the smallest rung", async () => {
    const file = write(
      "hb.yml",
      `${head}strategy: hyperband\nresource: {name: epochs, min: 1, max: 9, eta: 3}\nbudget: {parallel: 4}\n`,
    );
    const v = await runCli(["validate", file]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /hb\.yml: valid/);
    assert.match(v.stdout, /study c: hyperband search, maximize val_accuracy/);
    assert.match(v.stdout, /\| quality +\| float +\| \[0\.1, 1\] +\|/);

    const stateDir = join(dir, "state-hb");
    const p = await runCli(["plan", file, "--state-dir", stateDir]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /^round 1: 4 trials$/m);
    assert.equal(p.stdout.match(/^ {2}trial \d \(attempt 1\): \{"quality":0\.\d+,"epochs":1\}$/gm)?.length, 4);
    const json = await runCli(["plan", file, "--json", "--state-dir", stateDir]);
    const matrix = JSON.parse(json.stdout) as { include: { trial: number; params: Record<string, number> }[] };
    assert.deepEqual(
      matrix.include.map((e) => [e.trial, e.params.epochs]),
      [
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 1],
      ],
    );
    for (const e of matrix.include) {
      assert.ok(e.params.quality! >= 0.1 && e.params.quality! <= 1);
      assert.deepEqual(Object.keys(e).sort(), ["attempt", "id", "params", "round", "study", "trial", "v"]);
    }
    assert.ok(!existsSync(join(stateDir, "state.json")), "plan is a dry run");

    // Other strategies train every trial at the resource's max.
    const random = write("rnd.yml", `${head}resource: {name: epochs, min: 1, max: 9}\n`);
    const rp = JSON.parse((await runCli(["plan", random, "--json", "--state-dir", join(dir, "state-rnd")])).stdout);
    assert.equal(rp.include[0].params.epochs, 9);
  });

  it("invalid multi-fidelity settings exit 2 with file:line:col", async () => {
    const cases: [string, string, RegExp][] = [
      [
        "no-resource.yml",
        `${head.replace(', "--epochs=${epochs}"', "")}strategy: hyperband\n`,
        /no-resource\.yml:6:11: strategy: hyperband needs a resource to spend in rungs/,
      ],
      [
        "both.yml",
        `${head}  epochs: {type: int, min: 1, max: 9}\nstrategy: hyperband\nresource: {name: epochs, min: 1, max: 9}\n`,
        /both\.yml:8:18: resource\.name: "epochs" is also a parameter/,
      ],
      [
        "sampler.yml",
        `${head}strategy: random\nsampler: tpe\nresource: {name: epochs, min: 1, max: 9}\n`,
        /sampler\.yml:7:10: sampler: sampler chooses hyperband's configurations; with strategy random leave it out/,
      ],
      [
        "stopping.yml",
        `${head}strategy: hyperband\nresource: {name: epochs, min: 1, max: 9}\nearly_stopping: median\n`,
        /stopping\.yml:8:17: early_stopping: hyperband already stops poor configurations/,
      ],
    ];
    for (const [name, text, message] of cases) {
      const file = write(name, text);
      for (const cmd of name === "no-resource.yml" ? ["validate", "run"] : ["validate"]) {
        const r = await runCli([cmd, file]);
        assert.equal(r.code, 2, `${cmd} ${name}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split("\n").length, 1, `${name}: one problem, one line:\n${r.stderr}`);
      }
    }
  });
});
