/**
 * The same config and seed give the same trials, release after release: the
 * trials of a few short studies are pinned to what matrix-tune produced before
 * strategies became descriptors (test/fixtures/pinned-trials.json), and a state
 * file written by that version (state version 1) still loads and continues to
 * the same study. The bohb study was pinned again when hyperband's model
 * samplers began to draw a share at random and to see lower rungs as pending,
 * and the bayes study when every other pick began to search a trust region.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Trial } from "../../src/protocol/trial.ts";
import { placementOf } from "../../src/strategy/hyperband/placement.ts";
import { STATE_VERSION, type Study } from "../../src/study/schema.ts";
import { readStudy } from "../../src/study/store.ts";
import { configFrom } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

interface Pinned {
  config: string;
  trials: { params: Trial["params"]; resource?: number; bracket?: number; rung?: number; parent?: number }[];
  stop: string;
}
const PINNED: Record<string, Pinned> = JSON.parse(readFileSync(fixture("pinned-trials.json"), "utf8"));

/** A smooth loss that prefers x near 0.3, y near 0.6, adam, and more resource. */
function loss(t: Trial): number {
  const { x, y, opt } = t.params;
  const value = (Number(x) - 0.3) ** 2 + (Number(y) - 0.6) ** 2 + (opt === "sgd" ? 0.05 : 0) + 1 / (t.resource ?? 1);
  return Number(value.toFixed(6));
}

function pinnedShape(study: Study): Pinned["trials"] {
  return study.trials.map((t) => ({
    params: t.params,
    ...(t.resource !== undefined ? { resource: t.resource } : {}),
    ...placementOf(t),
    ...(t.parent !== undefined ? { parent: t.parent } : {}),
  }));
}

describe("pinned trials", () => {
  for (const [name, pinned] of Object.entries(PINNED))
    it(`${name}: the same config and seed give the trials they gave before`, async () => {
      const study = (await simulateStudy(configFrom(pinned.config), loss)).study;
      assert.deepEqual(pinnedShape(study), pinned.trials);
      assert.equal(study.stop?.code, pinned.stop);
    });

  it("a version-1 state file of a hyperband study loads and continues to the same study", async () => {
    const path = fixture("state/v1-hyperband.json");
    const raw = JSON.parse(readFileSync(path, "utf8"));
    const saved = readStudy(path);
    assert.equal(raw.version, 1);
    assert.equal(saved.version, STATE_VERSION);
    assert.equal(saved.trials.length, 15, "the file holds three rounds");
    assert.deepEqual(
      saved.trials.map((t) => placementOf(t)),
      raw.trials.map((t: { bracket: number; rung: number }) => ({ bracket: t.bracket, rung: t.rung })),
      "each trial's bracket and rung are hyperband's now",
    );
    const continued = (await simulateStudy(saved.config, loss, { study: saved })).study;
    const pinned = PINNED.hyperband!;
    assert.deepEqual(pinnedShape(continued), pinned.trials);
    // The saved attempts carry the durations of the runs that made them; the in-process ones take none.
    const timeless = (s: Study) => ({
      ...s,
      trials: s.trials.map((t) => ({ ...t, attempts: t.attempts.map(({ durationMs: _, ...a }) => a) })),
    });
    assert.deepEqual(timeless(continued), timeless((await simulateStudy(configFrom(pinned.config), loss)).study));
  });
});
