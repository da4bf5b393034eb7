import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Attempt } from "../../src/protocol/trial.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { readStudy, readStudyFor, StateError, writeStudy } from "../../src/study/store.ts";
import { configHash, createStudy, markRunning, recordAttempt } from "../../src/study/study.ts";
import { configFrom } from "../helpers/config.ts";

const base = configFrom(`
name: t
command: [x]
objective: {metric: loss, goal: minimize}
strategy: random
parameters:
  x: {type: float, min: 0, max: 1, default: 0.5}
  y: {type: int, min: 1, max: 100, default: 7}
`);
const cfg = (budget: Partial<Config["budget"]>, extra: Partial<Config> = {}): Config => ({
  ...base,
  ...extra,
  budget: { ...base.budget, ...budget },
});

const ok = (trialId: number, value: number, attempt = 1): Attempt => ({
  status: "succeeded",
  value,
  trialId,
  attempt,
  durationMs: 5,
  exitCode: 0,
  signal: null,
  metrics: { loss: value },
  intermediate: [],
  logTail: "",
});
const fail = (trialId: number, attempt = 1): Attempt => ({
  status: "failed",
  reason: "exited with code 1",
  trialId,
  attempt,
  durationMs: 5,
  exitCode: 1,
  signal: null,
  metrics: {},
  intermediate: [],
  logTail: "boom",
});

/** Plans a round and records the given outcome for each run. */
function round(config: Config, study: Study, outcome: (trialId: number, attempt: number) => Attempt): Study {
  const plan = planRound(config, study);
  assert.equal(plan.kind, "round", plan.kind === "done" ? plan.stop.message : "");
  let s = plan.study;
  if (plan.kind === "round") for (const r of plan.runs) s = recordAttempt(s, outcome(r.trialId, r.attempt));
  return s;
}

describe("study: recording results", () => {
  it("recording the same attempt twice changes nothing", () => {
    const s1 = round(cfg({ parallel: 2 }), createStudy(base), (id) => ok(id, id));
    const again = recordAttempt(s1, ok(0, 123));
    assert.equal(again, s1);
    assert.equal(again.trials[0]!.attempts.length, 1);
    assert.equal(again.trials[0]!.attempts[0]!.status, "succeeded");
  });

  it("a result for a trial the study does not have is an error naming it", () => {
    assert.throws(() => recordAttempt(createStudy(base), ok(5, 1)), /trial 5/);
  });

  it("the best trial is the lowest for minimize, highest for maximize, earliest on ties", () => {
    const values = [3, 1, 2, 1];
    const s = round(cfg({ parallel: 4 }), createStudy(base), (id) => ok(id, values[id]!));
    assert.equal(bestTrial(s.config, s)!.id, 1);
    assert.equal(
      bestTrial({ ...s.config, objective: [{ metric: s.config.objective[0].metric, goal: "maximize" }] }, s)!.id,
      0,
    );
  });

  it("markRunning only moves pending trials", () => {
    const plan = planRound(cfg({ parallel: 2 }), createStudy(base));
    const s = markRunning(recordAttempt(plan.study, ok(0, 1)), [0, 1]);
    assert.deepEqual(
      s.trials.map((t) => t.status),
      ["succeeded", "running"],
    );
  });
});

describe("study: completion", () => {
  it("stops at max_trials", () => {
    const c = cfg({ max_trials: 3, parallel: 2 });
    let s = round(c, createStudy(c), (id) => ok(id, 1));
    s = round(c, s, (id) => ok(id, 1));
    assert.equal(s.trials.length, 3, "the last round only fills up the budget");
    const plan = planRound(c, s);
    assert.equal(plan.kind, "done");
    assert.equal(plan.kind === "done" && plan.stop.code, "max_trials");
  });

  it("stops once the target is reached", () => {
    const c = cfg({ max_trials: 10, parallel: 2 }, { objective: [{ ...base.objective[0], target: 0.5 }] });
    const s = round(c, createStudy(c), (id) => ok(id, id === 1 ? 0.4 : 0.9));
    const plan = planRound(c, s);
    assert.equal(plan.kind === "done" && plan.stop.code, "target_reached");
    assert.match(plan.kind === "done" ? plan.stop.message : "", /trial 1 reached 0.4/);
  });

  it("stops after `patience` rounds without improvement", () => {
    const c = cfg({ max_trials: 50, parallel: 1, patience: 2 });
    const values = [5, 4, 4.5, 4.2];
    let s = createStudy(c);
    for (const v of values) s = round(c, s, (id) => ok(id, v));
    const plan = planRound(c, s);
    assert.equal(plan.kind === "done" && plan.stop.code, "patience");
  });

  it("stops at max_rounds", () => {
    const c = cfg({ max_trials: 50, parallel: 1, max_rounds: 2 });
    let s = round(c, createStudy(c), (id) => ok(id, 1));
    s = round(c, s, (id) => ok(id, 1));
    assert.equal(
      planRound(c, s).kind === "done" && (planRound(c, s) as { stop: { code: string } }).stop.code,
      "max_rounds",
    );
  });

  it("retries a failed trial as a new attempt of the same trial, then gives up", () => {
    const c = cfg({ max_trials: 2, parallel: 2, retries: 1 });
    let s = round(c, createStudy(c), (id, attempt) => (id === 0 ? fail(id, attempt) : ok(id, 1)));
    const plan = planRound(c, s);
    assert.equal(plan.kind, "round");
    assert.deepEqual(plan.kind === "round" && plan.runs, [{ trialId: 0, attempt: 2 }]);
    s = round(c, s, (id, attempt) => fail(id, attempt));
    assert.equal(s.trials[0]!.attempts.length, 2);
    assert.equal(s.trials[0]!.status, "failed");
    assert.equal(planRound(c, s).kind, "done");
  });

  it("stops when more trials failed than max_failures allows, and says so", () => {
    const c = cfg({ max_trials: 10, parallel: 3, max_failures: 2 });
    const s = round(c, createStudy(c), (id) => fail(id));
    const plan = planRound(c, s);
    assert.equal(plan.kind === "done" && plan.stop.code, "max_failures");
    assert.match(plan.kind === "done" ? plan.stop.message : "", /3 trials failed, more than the 2 allowed/);
  });

  it("runs the unfinished runs of an interrupted round again before anything new", () => {
    const c = cfg({ max_trials: 10, parallel: 3 });
    const plan = planRound(c, createStudy(c));
    assert.equal(plan.kind, "round");
    const partial = recordAttempt(markRunning(plan.study, [0, 1, 2]), ok(1, 0.3));
    const again = planRound(c, partial);
    assert.equal(again.kind, "round");
    if (again.kind !== "round") return;
    assert.equal(again.resumed, true);
    assert.deepEqual(again.runs, [
      { trialId: 0, attempt: 1 },
      { trialId: 2, attempt: 1 },
    ]);
    assert.equal(again.study.rounds.length, 1);
  });

  it("extending a finished study keeps its history and clears the stop", () => {
    const small = cfg({ max_trials: 2, parallel: 2 });
    let s = round(small, createStudy(small), (id) => ok(id, id));
    const done = planRound(small, s);
    assert.equal(done.kind, "done");
    s = done.study;
    assert.ok(s.stop);
    const bigger = cfg({ max_trials: 4, parallel: 2 });
    const more = planRound(bigger, s);
    assert.equal(more.kind, "round");
    assert.equal(more.study.stop, undefined);
    assert.deepEqual(more.study.trials.slice(0, 2), s.trials);
    assert.equal(more.study.trials.length, 4);
  });

  it("with baseline, trial 0 is the defaults and strategies never propose it again", () => {
    const c = cfg({ max_trials: 4, parallel: 4 }, { baseline: true });
    const plan = planRound(c, createStudy(c));
    assert.equal(plan.kind, "round");
    assert.deepEqual(plan.study.trials[0]!.params, { x: 0.5, y: 7 });
    assert.equal(plan.study.trials.length, 4);
  });
});

describe("study: state files", () => {
  const dir = mkdtempSync(join(tmpdir(), "mt-study-"));

  it("round-trips through a file", () => {
    const s = round(cfg({ parallel: 2 }), createStudy(base), (id) => ok(id, id));
    const path = join(dir, "sub", "state.json");
    writeStudy(path, s);
    assert.deepEqual(readStudy(path), s);
  });

  it("is written compactly, keeping the state it replaces as state.json.bak", () => {
    const path = join(dir, "bak", "state.json");
    const first = createStudy(base);
    writeStudy(path, first);
    assert.equal(existsSync(`${path}.bak`), false);
    const second = round(cfg({ parallel: 2 }), first, (id) => ok(id, id));
    writeStudy(path, second);
    assert.equal(readFileSync(path, "utf8"), `${JSON.stringify(second)}\n`);
    assert.deepEqual(readStudy(`${path}.bak`), first);
  });

  it("a failed write names the path, keeps the last good state and leaves no temporary file", () => {
    const sub = join(dir, "fails");
    const path = join(sub, "state.json");
    writeStudy(join(sub, "good.json"), createStudy(base));
    // A directory where the file should go: the rename into place fails (as on a full or read-only disk).
    mkdirSync(join(path, "in-the-way"), { recursive: true });
    assert.throws(
      () => writeStudy(path, createStudy(base)),
      (err: Error) => err instanceof StateError && err.message.startsWith(`cannot save the study state to ${path}: `),
    );
    assert.deepEqual(readdirSync(sub).sort(), ["good.json", "state.json"], "no temporary file left");
  });

  it("a file from another version gets a clear message", () => {
    const path = join(dir, "v9.json");
    writeFileSync(path, JSON.stringify({ ...createStudy(base), version: 9 }));
    assert.throws(() => readStudy(path), /version 9.*reads version 2.*newer matrix-tune/);
  });

  it("a damaged file names the file and the field", () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ ...createStudy(base), trials: [{ id: "zero" }] }));
    assert.throws(
      () => readStudy(path),
      (err: Error) => err.message.includes(path) && /trials\.0\.id/.test(err.message),
    );
    writeFileSync(path, "{ not json");
    assert.throws(() => readStudy(path), /cannot read the study state/);
  });

  it("a saved study continues only under the same name and search", () => {
    const path = join(dir, "continue.json");
    writeStudy(path, createStudy(base));
    const grown = readStudyFor(path, cfg({ max_trials: 99 }), "do X");
    assert.equal(grown.config.budget.max_trials, 99, "budgets may change, and the state records them");
    assert.throws(
      () => readStudyFor(path, { ...base, name: "other" }, "do X"),
      /holds study "t", but the config names "other"/,
    );
    assert.throws(
      () => readStudyFor(path, { ...base, seed: 7 }, "do X"),
      /different search space, objective, strategy or seed .*: seed changed; its results would mislead the search\. do X/,
    );
    const x = base.parameters.x!;
    const described = { ...base, parameters: { ...base.parameters, x: { ...x, description: "the x axis" } } };
    assert.equal(readStudyFor(path, described, "do X").name, "t", "a description does not change the search");
    const widened = { ...base, strategy: "tpe" as const, parameters: { ...base.parameters, x: { ...x, max: 9 } } };
    assert.throws(() => readStudyFor(path, widened, "do X"), /: parameters\.x, strategy changed;/);
  });

  it("the config hash ignores budgets but not the space", () => {
    assert.equal(configHash(cfg({ max_trials: 99 })), configHash(base));
    const other = configFrom(`
name: t
command: [x]
objective: {metric: loss, goal: minimize}
strategy: random
parameters:
  x: {type: float, min: 0, max: 2, default: 0.5}
  y: {type: int, min: 1, max: 100, default: 7}
`);
    assert.notEqual(configHash(other), configHash(base));
  });
});
