import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Attempt, NewTrial, Trial } from "../../src/protocol/trial.ts";
import { trialValue } from "../../src/protocol/trial-value.ts";
import type { Resource } from "../../src/space/resource.ts";
import { buildSpace, paramsKey } from "../../src/space/space.ts";
import { hyperbandBrackets, iterationCost, maxHalvings } from "../../src/strategy/hyperband/brackets.ts";
import { hyperbandStrategy } from "../../src/strategy/hyperband/index.ts";
import { placedAt, placementOf } from "../../src/strategy/hyperband/placement.ts";
import { modelView } from "../../src/strategy/hyperband/sample.ts";
import { promotedFrom, type Schedule, scheduleRound } from "../../src/strategy/hyperband/schedule.ts";
import { randomProposer } from "../../src/strategy/random.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { type Outcome, runAttempt } from "../helpers/attempts.ts";
import { configFrom } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const hb = configFrom(`
name: hb
command: [x]
objective: {metric: loss, goal: minimize}
strategy: hyperband
resource: {name: epochs, min: 1, max: 27, eta: 3}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
budget: {max_trials: 1000, parallel: 256}
`);

const cfg = (budget: Partial<Config["budget"]> = {}, extra: Partial<Config> = {}): Config => ({
  ...hb,
  ...extra,
  budget: { ...hb.budget, ...budget },
});

const resource = (r: Partial<Resource>): Resource => ({ name: "epochs", eta: 3, type: "int", min: 1, max: 27, ...r });

/** Each bracket as `size×resource` rungs, the way the textbook tables read. */
const table = (r: Resource) => hyperbandBrackets(r).map((b) => b.rungs.map((g) => `${g.size}×${g.resource}`));

const outcome = (trialId: number, attempt: number, v: Outcome): Attempt => runAttempt(trialId, attempt, undefined, v);

/**
 * Opens what the schedule gives for `room`, new configurations numbered
 * x = 1, 2, … in the order they are created, so tests can name them.
 */
function open(
  config: Config,
  study: Study,
  room: number,
  unseen?: number,
): { study: Study; schedule: Schedule; ids: number[] } {
  const schedule = scheduleRound(config, study.trials, room, unseen);
  let next = study.trials.filter((t) => t.parent === undefined).length;
  const fresh: NewTrial[] = [...schedule.promoted, ...schedule.slots.map((s) => ({ ...s, params: { x: ++next } }))];
  const opened = openRound(study, fresh, []);
  return { study: opened.study, schedule, ids: fresh.map((_, i) => study.trials.length + i) };
}

/** Records one attempt for each given trial. */
function finish(study: Study, ids: readonly number[], value: (t: Trial) => number | "fail" | "prune"): Study {
  let s = study;
  for (const id of ids) {
    const t = s.trials[id]!;
    s = recordAttempt(s, outcome(id, t.attempts.length + 1, value(t)));
  }
  return s;
}

/** A trial's bracket and rung, as hyperband placed it. */
const bracketOf = (t: Pick<Trial, "strategyData">) => placementOf(t)?.bracket;
const rungOf = (t: Pick<Trial, "strategyData">) => placementOf(t)?.rung;

const where = (ts: readonly Pick<Trial, "strategyData" | "resource">[]) =>
  ts.map((t) => `b${bracketOf(t)}r${rungOf(t)}@${t.resource}`);
const counts = (ts: readonly Pick<Trial, "strategyData" | "resource">[]) => {
  const m = new Map<string, number>();
  for (const k of where(ts)) m.set(k, (m.get(k) ?? 0) + 1);
  return Object.fromEntries(m);
};

describe("hyperband: bracket arithmetic", () => {
  it("min 1, max 27, η 3 gives the textbook table", () => {
    const r = resource({});
    assert.equal(maxHalvings(r), 3);
    assert.deepEqual(table(r), [["27×1", "9×3", "3×9", "1×27"], ["12×3", "4×9", "1×27"], ["6×9", "2×27"], ["4×27"]]);
    assert.deepEqual(
      hyperbandBrackets(r).map((b) => b.s),
      [3, 2, 1, 0],
    );
    // 40 + 17 + 8 + 4 trials; 108 + 99 + 108 + 108 epochs.
    assert.deepEqual(iterationCost(hyperbandBrackets(r)), { trials: 69, resource: 423 });
  });

  it("min 1, max 81, η 3: five brackets", () => {
    const r = resource({ max: 81 });
    assert.equal(maxHalvings(r), 4);
    assert.deepEqual(table(r), [
      ["81×1", "27×3", "9×9", "3×27", "1×81"],
      ["34×3", "11×9", "3×27", "1×81"],
      ["15×9", "5×27", "1×81"],
      ["8×27", "2×81"],
      ["5×81"],
    ]);
    assert.deepEqual(iterationCost(hyperbandBrackets(r)), { trials: 206, resource: 1902 });
  });

  it("min 1, max 16, η 2", () => {
    const r = resource({ max: 16, eta: 2 });
    assert.equal(maxHalvings(r), 4);
    assert.deepEqual(table(r), [
      ["16×1", "8×2", "4×4", "2×8", "1×16"],
      ["10×2", "5×4", "2×8", "1×16"],
      ["7×4", "3×8", "1×16"],
      ["5×8", "2×16"],
      ["5×16"],
    ]);
    assert.deepEqual(iterationCost(hyperbandBrackets(r)), { trials: 72, resource: 372 });
  });

  it("η 4 over 1..64", () => {
    const r = resource({ max: 64, eta: 4 });
    assert.equal(maxHalvings(r), 3);
    assert.deepEqual(table(r), [
      ["64×1", "16×4", "4×16", "1×64"],
      ["22×4", "5×16", "1×64"],
      ["8×16", "2×64"],
      ["4×64"],
    ]);
  });

  it("a ratio that is not a power of η rounds int resources and ends every bracket at max", () => {
    const r = resource({ max: 30 });
    // 27 ≤ 30 < 81: three halvings, as for 27, but rungs at 30/27, 30/9, 30/3, 30.
    assert.equal(maxHalvings(r), 3);
    assert.deepEqual(table(r), [["27×1", "9×3", "3×10", "1×30"], ["12×3", "4×10", "1×30"], ["6×10", "2×30"], ["4×30"]]);
    assert.equal(maxHalvings(resource({ max: 26 })), 2, "26 is short of 27: two halvings");
    assert.deepEqual(table(resource({ min: 2, max: 20 })), [["9×2", "3×7", "1×20"], ["5×7", "1×20"], ["3×20"]]);
  });

  it("a float resource keeps its fractions", () => {
    const r = resource({ type: "float", min: 0.1, max: 0.9 });
    assert.equal(maxHalvings(r), 2, "0.9/0.1 is 9 up to rounding: two halvings, not one");
    assert.deepEqual(table(r), [["9×0.1", "3×0.3", "1×0.9"], ["5×0.3", "1×0.9"], ["3×0.9"]]);
    const odd = hyperbandBrackets(resource({ type: "float", min: 0.5, max: 10 }));
    assert.deepEqual(
      odd[0]!.rungs.map((g) => g.resource),
      [1.11111, 3.33333, 10],
    );
  });

  it("min and max closer than η give a single bracket of full-resource trials", () => {
    const r = resource({ min: 10, max: 20 });
    assert.equal(maxHalvings(r), 0);
    assert.deepEqual(table(r), [["1×20"]]);
    assert.deepEqual(iterationCost(hyperbandBrackets(r)), { trials: 1, resource: 20 });
    assert.equal(table(resource({ min: 1, max: 2, eta: 2 })).length, 2, "max/min = η exactly: two brackets");
  });

  it("many halvings: the bracket sizes are exact, not a floating-point hair above", () => {
    // s_max 10: bracket s=8 starts ⌈11/9·3^8⌉ = 8019 configurations (11·6561 = 72171 = 9·8019).
    const brackets = hyperbandBrackets(resource({ max: 3 ** 10 }));
    assert.equal(brackets.length, 11);
    const s8 = brackets.find((b) => b.s === 8)!;
    assert.equal(s8.rungs[0]!.size, 8019);
    assert.equal(s8.rungs[0]!.resource, 9);
  });
});

describe("hyperband: schedule", () => {
  it("the first round opens brackets side by side as far as the room goes", () => {
    const c = cfg();
    const small = scheduleRound(c, [], 30);
    assert.deepEqual(small.promoted, []);
    assert.deepEqual(counts(small.slots), { "b0r0@1": 27, "b1r0@3": 3 });
    // 49 is one iteration's first rungs; the rest starts the next iteration, numbered on.
    const big = scheduleRound(c, [], 100);
    assert.deepEqual(counts(big.slots), {
      "b0r0@1": 27,
      "b1r0@3": 12,
      "b2r0@9": 6,
      "b3r0@27": 4,
      "b4r0@1": 27,
      "b5r0@3": 12,
      "b6r0@9": 6,
      "b7r0@27": 4,
      "b8r0@1": 2,
    });
  });

  it("a rung larger than the room is split over rounds before the next bracket opens", () => {
    const c = cfg();
    let { study, ids } = open(c, createStudy(c), 10);
    assert.deepEqual(counts(study.trials), { "b0r0@1": 10 });
    study = finish(study, ids, () => 1);
    ({ study, ids } = open(c, study, 10));
    assert.deepEqual(counts(ids.map((id) => study.trials[id]!)), { "b0r0@1": 10 });
    // Still pending trials count as started: the rung needs 7 more, and 3 go to the next bracket.
    ({ study, ids } = open(c, study, 10));
    assert.deepEqual(counts(ids.map((id) => study.trials[id]!)), { "b0r0@1": 7, "b1r0@3": 3 });
  });

  it("promotes only once the whole rung has finished, best first, and keeps params, with parent and η× resource", () => {
    const c = cfg();
    let { study, ids } = open(c, createStudy(c), 27);
    // Values 27, 26, …, 1: trial 26 is the best, then 25, …
    study = finish(
      study,
      ids.filter((id) => id !== 3),
      (t) => 27 - t.id,
    );
    const waiting = scheduleRound(c, study.trials, 20);
    assert.deepEqual(waiting.promoted, [], "trial 3 is still running");
    assert.deepEqual(counts(waiting.slots), { "b1r0@3": 12, "b2r0@9": 6, "b3r0@27": 2 });

    study = finish(study, [3], () => 100);
    const next = scheduleRound(c, study.trials, 20);
    assert.deepEqual(
      next.promoted.map((t) => t.parent),
      [26, 25, 24, 23, 22, 21, 20, 19, 18],
    );
    for (const p of next.promoted) {
      const parent = study.trials[p.parent!]!;
      assert.deepEqual(p.params, parent.params);
      assert.equal(bracketOf(p), 0);
      assert.equal(rungOf(p), 1);
      assert.equal(p.resource, parent.resource! * 3);
    }
    assert.deepEqual(counts(next.slots), { "b1r0@3": 11 }, "what the promotions leave of the room opens bracket 1");
  });

  it("ranks by the goal: maximize promotes the highest", () => {
    const c = cfg({}, { objective: [{ metric: "acc", goal: "maximize" }] });
    let { study, ids } = open(c, createStudy(c), 27);
    study = finish(study, ids, (t) => t.id);
    assert.deepEqual(
      scheduleRound(c, study.trials, 9).promoted.map((t) => t.parent),
      [26, 25, 24, 23, 22, 21, 20, 19, 18],
    );
    const min = cfg();
    assert.deepEqual(
      scheduleRound(min, study.trials, 9).promoted.map((t) => t.parent),
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  it("ties go to the earlier trial", () => {
    const c = cfg();
    let { study, ids } = open(c, createStudy(c), 27);
    // Trials 20..26 tie at 0, the best value; then 10..19 tie at 1.
    study = finish(study, ids, (t) => (t.id >= 20 ? 0 : t.id >= 10 ? 1 : 2));
    assert.deepEqual(
      scheduleRound(c, study.trials, 9).promoted.map((t) => t.parent),
      [20, 21, 22, 23, 24, 25, 26, 10, 11],
    );
    const layout = hyperbandBrackets(c.resource!);
    const byValue = promotedFrom(c, layout[0]!, [...study.trials].reverse(), 1);
    assert.deepEqual(
      byValue.map((t) => t.id),
      [20, 21, 22, 23, 24, 25, 26, 10, 11],
      "the order of the input does not matter",
    );
  });

  it("promotions larger than the room continue next round with the next best", () => {
    const c = cfg();
    let { study, ids } = open(c, createStudy(c), 27);
    study = finish(study, ids, (t) => t.id);
    ({ study, ids } = open(c, study, 5));
    assert.deepEqual(
      ids.map((id) => study.trials[id]!.parent),
      [0, 1, 2, 3, 4],
    );
    const rest = scheduleRound(c, study.trials, 6);
    assert.deepEqual(
      rest.promoted.map((t) => t.parent),
      [5, 6, 7, 8],
    );
    assert.deepEqual(counts(rest.slots), { "b1r0@3": 2 });
  });

  it("failed and pruned trials are never promoted; a rung with too few successes promotes fewer", () => {
    const c = cfg();
    let { study, ids } = open(c, createStudy(c), 27);
    // The best values go to trials that fail or are pruned; only 0..4 succeed.
    study = finish(study, ids, (t) => (t.id < 5 ? 10 + t.id : t.id % 2 ? "fail" : "prune"));
    assert.deepEqual(study.trials.filter((t) => t.status === "pruned").length, 11);
    const next = scheduleRound(c, study.trials, 20);
    assert.deepEqual(
      next.promoted.map((t) => t.parent),
      [0, 1, 2, 3, 4],
    );
    ({ study, ids } = open(c, study, 20));
    study = finish(study, ids, (t) => (bracketOf(t) === 0 ? -t.id : 1));
    // Rung 1 has 5 trials (not 9): all finished, so rung 2 takes its best 3.
    const r2 = scheduleRound(c, study.trials, 3);
    assert.deepEqual(
      r2.promoted.map((t) => [rungOf(t), t.parent]),
      [
        [2, 31],
        [2, 30],
        [2, 29],
      ],
    );
  });

  it("a failed trial with a retry left holds its rung back; without one, the rung moves on", () => {
    const retrying = cfg({ retries: 1 });
    let { study, ids } = open(retrying, createStudy(retrying), 27);
    study = finish(study, ids, (t) => (t.id === 0 ? "fail" : t.id));
    assert.deepEqual(scheduleRound(retrying, study.trials, 9).promoted, [], "trial 0 will run again");
    assert.equal(scheduleRound(cfg({ retries: 0 }), study.trials, 9).promoted.length, 9);

    study = finish(study, [0], () => "fail");
    assert.equal(study.trials[0]!.attempts.length, 2);
    assert.deepEqual(
      scheduleRound(retrying, study.trials, 9).promoted.map((t) => t.parent),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it("a space that has run out closes first rungs with what they have; their brackets halve that", () => {
    const c = cfg();
    assert.deepEqual(
      counts(scheduleRound(c, [], 30, 5).slots),
      { "b0r0@1": 5 },
      "no more places than configurations, and no empty bracket",
    );
    let { study, ids } = open(c, createStudy(c), 5);
    study = finish(study, ids, (t) => -t.id);
    // Unbounded, the rung waits for 22 more; with none to come it is full, and keeps ⌊5/3⌋ = 1.
    assert.deepEqual(counts(scheduleRound(c, study.trials, 30).slots), { "b0r0@1": 22, "b1r0@3": 8 });
    const closed = scheduleRound(c, study.trials, 30, 0);
    assert.deepEqual(closed.slots, []);
    assert.deepEqual(
      closed.promoted.map((t) => [rungOf(t), t.parent]),
      [[1, 4]],
    );
    // Below η^i, a rung still keeps one, so the bracket ends at the full resource.
    ({ study, ids } = open(c, study, 30, 0));
    assert.deepEqual(ids, [5]);
    study = finish(study, ids, () => 0);
    assert.deepEqual(
      scheduleRound(c, study.trials, 30, 0).promoted.map((t) => [rungOf(t), t.resource, t.parent]),
      [[2, 9, 5]],
    );
  });

  it("a bracket runs to its last rung, then the brackets of the next iteration open, numbered on", async () => {
    const c = cfg();
    let study = createStudy(c);
    const shapes: Record<string, number>[] = [];
    for (let round = 0; round < 4; round++) {
      const opened = open(c, study, 50);
      study = finish(opened.study, opened.ids, (t) => Number(t.params.x));
      shapes.push(counts(opened.ids.map((id) => study.trials[id]!)));
    }
    assert.deepEqual(shapes, [
      // One iteration's first rungs are 49 trials: the 50th starts bracket 4, the next iteration's s=3.
      { "b0r0@1": 27, "b1r0@3": 12, "b2r0@9": 6, "b3r0@27": 4, "b4r0@1": 1 },
      // Promotions first, then the rest of bracket 4's first rung, then what is left for bracket 5.
      { "b0r1@3": 9, "b1r1@9": 4, "b2r1@27": 2, "b4r0@1": 26, "b5r0@3": 9 },
      // Brackets 2 and 3 are done; bracket 4 promotes; 34 places left open brackets 6, 7 and most of 8.
      { "b0r2@9": 3, "b1r2@27": 1, "b4r1@3": 9, "b5r0@3": 3, "b6r0@9": 6, "b7r0@27": 4, "b8r0@1": 24 },
      {
        "b0r3@27": 1,
        "b4r2@9": 3,
        "b5r1@9": 4,
        "b6r1@27": 2,
        "b8r0@1": 3,
        "b9r0@3": 12,
        "b10r0@9": 6,
        "b11r0@27": 4,
        "b12r0@1": 15,
      },
    ]);
    // The final rung of bracket 0 continues the configuration of its best first-rung trial, through every rung.
    const last = study.trials.find((t) => bracketOf(t) === 0 && rungOf(t) === 3)!;
    const chain = [last];
    while (chain[0]!.parent !== undefined) chain.unshift(study.trials[chain[0]!.parent]!);
    assert.deepEqual(
      chain.map((t) => [rungOf(t), t.resource]),
      [
        [0, 1],
        [1, 3],
        [2, 9],
        [3, 27],
      ],
    );
    assert.deepEqual(last.params, { x: 1 }, "x = 1 was the lowest loss of bracket 0");
  });
});

/** A synthetic objective: the configuration's quality plus a learning curve in the resource. */
const loss = (t: Trial) => (Number(t.params.x) - 0.3) ** 2 + (Number(t.params.y) - 0.7) ** 2 + 1 / t.resource!;

/** Runs a study through the round driver, as the shells do. */
const simulate = (config: Config, f: (t: Trial) => number | "fail" = loss) =>
  simulateStudy(config, (t) => {
    const v = f(t);
    return v === "fail" ? undefined : v;
  });

describe("hyperband: whole studies", () => {
  it("the same seed gives the same study, another seed another", async () => {
    const c = cfg({ max_trials: 120, parallel: 16 });
    const a = (await simulate(c)).study;
    assert.deepEqual((await simulate(c)).study, a);
    assert.notDeepEqual(
      (await simulate({ ...c, seed: 1 })).study.trials.map((t) => t.params),
      a.trials.map((t) => t.params),
    );
    // Two iterations' worth would be 138: after 69 + 40 trials, the 11 left cannot finish the next bracket (17).
    assert.equal(a.trials.length, 109, "max_trials bounds the study");
    assert.equal(a.stop?.code, "max_trials");
    assert.match(
      a.stop?.message ?? "",
      /the 11 trials left in budget.max_trials cannot finish another hyperband bracket \(the next needs 17\)/,
    );
    assert.ok(a.rounds.every((r) => r.runs.length <= 16));
  });

  for (const sampler of ["random", "bayes", "tpe"] as const)
    it(`${sampler}: each completed bracket's last rung holds the best configurations of its first rung`, async () => {
      const c = cfg({ max_trials: 160, parallel: 20 }, { sampler });
      const { study } = await simulate(c);
      assert.equal(study.stop?.code, "max_trials");
      const layout = hyperbandBrackets(c.resource!);
      for (let k = 0; k < 4; k++) {
        const inBracket = study.trials.filter((t) => bracketOf(t) === k);
        const s = layout[k]!.s;
        const first = inBracket.filter((t) => rungOf(t) === 0);
        const final = inBracket.filter((t) => rungOf(t) === s);
        assert.equal(final.length, layout[k]!.rungs[s]!.size, `bracket ${k} ran to its last rung`);
        assert.ok(final.every((t) => t.resource === 27 && t.status === "succeeded"));
        // The objective ranks configurations the same at every resource, so successive halving keeps the best.
        const best = [...first].sort((a, b) => trialValue(a)! - trialValue(b)! || a.id - b.id).slice(0, final.length);
        assert.deepEqual(new Set(final.map((t) => paramsKey(t.params))), new Set(best.map((t) => paramsKey(t.params))));
        if (s > 0) assert.ok(final.every((t) => t.parent !== undefined));
      }
      // New configurations are never repeated: only promotions share a configuration, with their parent.
      const fresh = study.trials.filter((t) => t.parent === undefined);
      assert.equal(new Set(fresh.map((t) => paramsKey(t.params))).size, fresh.length);
      for (const t of study.trials.filter((t) => t.parent !== undefined))
        assert.deepEqual(t.params, study.trials[t.parent!]!.params);
    });

  it("the first round's note describes the brackets; later rounds name their promotions", async () => {
    const { notes } = await simulate(cfg({ max_trials: 60, parallel: 30 }));
    assert.equal(
      notes[0],
      "hyperband with η=3: 4 brackets of (trials×epochs) 27×1→9×3→3×9→1×27, 12×3→4×9→1×27, 6×9→2×27, 4×27; one iteration is 69 trials and 423 epochs. budget.max_trials (60) is less than one iteration, so the later brackets will not run: set it to 69 or more",
    );
    assert.equal(
      (await simulate(cfg({ max_trials: 69, parallel: 30 }))).notes[0],
      "hyperband with η=3: 4 brackets of (trials×epochs) 27×1→9×3→3×9→1×27, 12×3→4×9→1×27, 6×9→2×27, 4×27; one iteration is 69 trials and 423 epochs",
    );
    assert.match(
      (await simulate(cfg({ max_trials: 20, parallel: 30 }))).notes[0]!,
      /\(20\) is less than one iteration, so even the first bracket is cut short: set it to 69 or more$/,
    );
    assert.match(notes[1]!, /^bracket 0 rung 1 \(epochs 3\) continues trials (\d+, ){8}\d+$/);
    assert.doesNotMatch(notes[1]!, /iteration/);
  });

  it("with a baseline first, the round that opens the first brackets still describes them", () => {
    const base = configFrom(`
name: hb
command: [x]
objective: {metric: loss, goal: minimize}
strategy: hyperband
baseline: true
resource: {name: epochs, min: 1, max: 27, eta: 3}
parameters:
  x: {type: float, min: 0, max: 1, default: 0.5}
  y: {type: float, min: 0, max: 1, default: 0.5}
budget: {max_trials: 10, parallel: 4}
`);
    const plan = planRound(base, createStudy(base));
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    assert.deepEqual(plan.study.trials[0]!.params, { x: 0.5, y: 0.5 });
    assert.equal(plan.study.trials[0]!.resource, 27, "the baseline trains with the full resource");
    assert.equal(bracketOf(plan.study.trials[0]!), undefined);
    assert.deepEqual(counts(plan.study.trials.slice(1)), { "b0r0@1": 3 });
    assert.match(plan.note ?? "", /^hyperband with η=3: 4 brackets/);
  });

  it("a space smaller than the first rung is still trained up to the full resource", async () => {
    const small = configFrom(`
name: hb
command: [x]
objective: {metric: loss, goal: minimize}
strategy: hyperband
resource: {name: epochs, min: 1, max: 27, eta: 3}
parameters:
  opt: {type: categorical, values: [a, b, c, d, e, f]}
budget: {max_trials: 100, parallel: 10}
`);
    const rank = { a: 4, b: 2, c: 6, d: 1, e: 5, f: 3 } as Record<string, number>;
    const { study } = await simulate(small, (t) => rank[String(t.params.opt)]! + 1 / t.resource!);
    assert.equal(study.stop?.code, "exhausted");
    assert.deepEqual(counts(study.trials), { "b0r0@1": 6, "b0r1@3": 2, "b0r2@9": 1, "b0r3@27": 1 });
    assert.deepEqual(
      study.trials.filter((t) => rungOf(t)! > 0).map((t) => t.params.opt),
      ["d", "b", "d", "d"],
    );
  });

  it("a failed trial is retried at its place in the bracket before anything is promoted past it", () => {
    const c = cfg({ max_trials: 40, parallel: 27, retries: 1, max_failures: 10 });
    let study = createStudy(c);
    let plan = planRound(c, study);
    assert.equal(plan.kind, "round");
    study = plan.study;
    for (const run of (plan as { runs: { trialId: number; attempt: number }[] }).runs)
      study = recordAttempt(
        study,
        outcome(run.trialId, run.attempt, run.trialId === 4 ? "fail" : loss(study.trials[run.trialId]!)),
      );
    plan = planRound(c, study);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    assert.deepEqual(plan.runs[0], { trialId: 4, attempt: 2 });
    assert.ok(
      plan.study.trials.every((t) => rungOf(t) === 0),
      "nothing promoted while trial 4 will run again",
    );
    // Bracket 0 needs all 40 trials of the budget, so no other bracket starts beside it.
    assert.equal(plan.study.trials.length, 27);
    assert.deepEqual(plan.runs, [{ trialId: 4, attempt: 2 }]);
  });
});

describe("hyperband: model-based samplers", () => {
  /** Opens trials at given resources (in bracket 0's first rung and bracket 1's) and records their values. */
  function withResults(config: Config, at1: number, at3: number): Study {
    const mk = (i: number, bracket: number, res: number): NewTrial => ({
      params: { x: (i + 0.5) / 20, y: ((i * 7) % 20) / 20 },
      ...placedAt(bracket, 0),
      resource: res,
    });
    const fresh = [
      ...Array.from({ length: at1 }, (_, i) => mk(i, 0, 1)),
      ...Array.from({ length: at3 }, (_, i) => mk(at1 + i, 1, 3)),
    ];
    const { study } = openRound(createStudy(config), fresh, []);
    return finish(
      study,
      study.trials.map((t) => t.id),
      (t) => loss(t),
    );
  }
  const paramsOf = (config: Config, study: Study) =>
    hyperbandStrategy
      .plan({ config, space: buildSpace(config.parameters), trials: study.trials, room: 12 })
      .fresh.filter((t) => t.parent === undefined)
      .map((t) => t.params);

  for (const sampler of ["bayes", "tpe"] as const)
    it(`${sampler}: samples like random until one resource has enough successes, then from its model`, () => {
      const random = cfg({}, { sampler: "random" });
      const model = cfg({}, { sampler });
      // Two dimensions: 5 successes at one resource are enough (initialDesignSize). 4 + 4 at two resources are not.
      const split = withResults(model, 4, 4);
      assert.deepEqual(paramsOf(model, split), paramsOf(random, split));
      const enough = withResults(model, 4, 5);
      const proposed = paramsOf(model, enough);
      const plain = paramsOf(random, enough);
      assert.equal(proposed.length, 12);
      assert.notDeepEqual(proposed, plain);
      const earlier = new Set(enough.trials.map((t) => paramsKey(t.params)));
      const keys = proposed.map(paramsKey);
      assert.ok(
        keys.every((k) => !earlier.has(k)),
        "never an earlier configuration",
      );
      assert.equal(new Set(keys).size, keys.length, "never twice in one round");
    });

  it("the model sees the largest resource with enough results, and the recent brackets' other configurations as pending", () => {
    const config = cfg({}, { sampler: "bayes" });
    const study = withResults(config, 4, 5);
    const space = buildSpace(config.parameters);
    const view = modelView(study.trials, space, 4)!;
    const atLevel = study.trials.filter((t) => t.resource === 3);
    const lower = study.trials.filter((t) => t.resource === 1);
    assert.deepEqual(
      view.map((t) => [paramsKey(t.params), t.status, trialValue(t)]),
      [
        ...atLevel.map((t) => [paramsKey(t.params), "succeeded", trialValue(t)]),
        ...lower.map((t) => [paramsKey(t.params), "pending", undefined]),
      ],
    );
    assert.deepEqual(
      view.map((t) => t.id),
      view.map((_, i) => i),
      "renumbered as a study of its own",
    );
    // Bracket 0 is older than the latest one, bracket 1: with one recent bracket, its configurations are left out.
    assert.equal(modelView(study.trials, space, 1)!.length, atLevel.length);
  });

  for (const sampler of ["bayes", "tpe"] as const)
    it(`${sampler}: about a third of new configurations are drawn at random, as in BOHB, the same with the same seed`, () => {
      const config = cfg({}, { sampler });
      const study = withResults(config, 4, 5);
      const space = buildSpace(config.parameters);
      const plan = () =>
        hyperbandStrategy.plan({ config, space, trials: study.trials, room: 40 }).fresh.map((t) => paramsKey(t.params));
      const fresh = plan();
      assert.equal(fresh.length, 40);
      assert.deepEqual(plan(), fresh);
      // The random share continues the random sequence past the trials and the model's proposals.
      const sequence = new Set(
        randomProposer
          .propose({
            space,
            objective: config.objective,
            constraints: [],
            trials: study.trials,
            count: 80,
            seed: config.seed,
          })
          .map(paramsKey),
      );
      const random = fresh.filter((k) => sequence.has(k)).length;
      assert.ok(random >= 8 && random <= 20, `${random} of 40 at random`);
    });

  it("bayes plans a study the same way twice", async () => {
    const c = cfg({ max_trials: 50, parallel: 12 }, { sampler: "bayes" });
    assert.deepEqual((await simulate(c)).study, (await simulate(c)).study);
  });
});
