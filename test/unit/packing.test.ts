/**
 * `trials_per_job`: how a round's payloads are packed into matrix entries, the
 * packed payload's format, and the checks an entry passes before a job trusts it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MatrixEntry, TrialPayload } from "../../src/protocol/payload.ts";
import { entryPayloads, githubMatrix, packPayloads, parsePayload } from "../../src/trial/payload.ts";

const prune = { after: 1, median: Array.from({ length: 64 }, (_, i): [number, number] => [i, 0.5 + i / 1000]) };

function payload(trial: number, extra: Partial<TrialPayload> = {}): TrialPayload {
  return {
    v: 1,
    study: "s",
    round: 2,
    trial,
    attempt: 1,
    id: `${trial}-1`,
    params: { lr: 0.001 * (trial + 1), layers: 3, act: "relu", momentum: 0.9, batch: 64 },
    prune,
    ...extra,
  };
}
const keys = (entries: MatrixEntry[]) =>
  entries.map((e) => entryPayloads(e).map((p) => `${p.trial}-${p.attempt}${p.member ? `-${p.member.index}` : ""}`));

describe("packPayloads", () => {
  const round = Array.from({ length: 10 }, (_, i) => payload(i));

  it("with 1 per job, the matrix is the payloads exactly (version 1, as before trials_per_job)", () => {
    assert.deepEqual(packPayloads(round, 1), round);
  });

  it("packs runs into ⌈n/k⌉ entries in order; a group of one stays a plain payload", () => {
    const entries = packPayloads(round, 4);
    assert.equal(entries.length, 3);
    assert.deepEqual(keys(entries), [
      ["0-1", "1-1", "2-1", "3-1"],
      ["4-1", "5-1", "6-1", "7-1"],
      ["8-1", "9-1"],
    ]);
    assert.deepEqual(
      entries.map((e) => [e.v, e.id]),
      [
        [2, "_0-1_1-1_2-1_3-1_"],
        [2, "_4-1_5-1_6-1_7-1_"],
        [2, "_8-1_9-1_"],
      ],
    );
    assert.deepEqual(packPayloads(round.slice(0, 5), 4).at(-1), round[4]);
    // Unpacked, each run is the payload it would have been alone.
    assert.deepEqual(entries.flatMap(entryPayloads), round);
  });

  it("a run that continues a checkpoint or runs on another commit keeps a job of its own", () => {
    const resume = payload(2, { attempt: 2, id: "2-2", resume: { trial: 2, attempt: 1, id: "2-1", run: 9001 } });
    const ref = payload(5, { ref: "a".repeat(40) });
    const entries = packPayloads([payload(0), payload(1), resume, payload(3), payload(4), ref, payload(6)], 3);
    assert.deepEqual(keys(entries), [["2-2"], ["0-1", "1-1", "3-1"], ["5-1"], ["4-1", "6-1"]]);
    assert.deepEqual(entries[0], resume);
    assert.deepEqual(entries[2], ref);
  });

  it("keeps members apart by key", () => {
    const member = (trial: number, index: number) =>
      payload(trial, { id: `${trial}-1-${index}`, member: { index, seed: index, fold: 0, folds: 1 } });
    const [entry] = packPayloads([member(0, 0), member(0, 1)], 2);
    assert.equal(entry!.id, "_0-1-0_0-1-1_");
    assert.deepEqual(entryPayloads(entry!), [member(0, 0), member(0, 1)]);
  });

  it("256 runs with a 64-point curve stay well under GitHub's 1 MB of job outputs, packed or not", () => {
    const many = Array.from({ length: 256 }, (_, i) => payload(i));
    for (const k of [1, 2, 4, 64]) {
      const matrix = githubMatrix(packPayloads(many, k));
      assert.equal(matrix.include.length, Math.ceil(256 / k));
      const bytes = Buffer.byteLength(JSON.stringify(matrix));
      assert.ok(bytes < 512 * 1024, `k = ${k}: ${bytes} bytes`);
    }
  });
});

describe("a packed payload as a job reads it", () => {
  const [packed] = packPayloads([payload(3), payload(4), payload(5)], 3);
  const text = (over: object) => JSON.stringify({ ...packed, ...over });

  it("reads back what the plan wrote", () => {
    assert.deepEqual(parsePayload(JSON.stringify(packed)), packed);
  });

  it("refuses ids that do not name its runs, each once", () => {
    assert.throws(() => parsePayload(text({ id: "_3-1_4-1_" })), /do not name its runs once each \(_3-1_4-1_5-1_\)/);
    const runs = (packed as Extract<MatrixEntry, { v: 2 }>).runs;
    assert.throws(
      () => parsePayload(text({ runs: [runs[0], { ...runs[1], id: "9-1" }, runs[2]] })),
      /_3-1_4-1_5-1_: 3-1, 9-1, 5-1\) do not name its runs/,
    );
    const twice = [runs[0], runs[0], runs[2]];
    assert.throws(() => parsePayload(text({ runs: twice, id: "_3-1_3-1_5-1_" })), /once each/);
  });

  it("refuses a malformed entry with the field, and a version it does not know", () => {
    assert.throws(() => parsePayload(text({ runs: [] })), /runs: .*>=1/);
    assert.throws(() => parsePayload(text({ id: "3-1,4-1" })), /not a matrix-tune trial \(id: /);
    assert.throws(() => parsePayload(text({ v: 3 })), /not a matrix-tune trial \(v: /);
  });
});
