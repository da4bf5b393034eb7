/** Result files from artifacts: a file far larger than any trial writes is skipped, not read. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Attempt } from "../../src/protocol/trial.ts";
import { MAX_RESULT_BYTES, readResultFiles, writeResultFile } from "../../src/trial/result-file.ts";
import { runAttempt } from "../helpers/attempts.ts";

const attempt = (trialId: number, logTail = ""): Attempt => ({ ...runAttempt(trialId, 1, undefined, 0.5), logTail });

describe("readResultFiles", () => {
  it("skips a result file over the size limit with a warning naming it, and reads the others", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mt-results-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeResultFile(join(dir, "a"), "s", attempt(0));
    const big = writeResultFile(join(dir, "b"), "s", attempt(1, "x".repeat(MAX_RESULT_BYTES)));
    mkdirSync(join(dir, "c"));
    writeFileSync(join(dir, "c", "result-2-1.json"), "{}");
    const read = readResultFiles(dir, "s");
    assert.deepEqual(
      read.results.map((r) => r.result.trialId),
      [0],
    );
    assert.equal(MAX_RESULT_BYTES, 1 << 20);
    assert.match(read.problems[0]!, new RegExp(`^${big}: \\d+ bytes, over the 1048576-byte \\(1 MiB\\) limit`));
    assert.equal(read.problems.length, 2, read.problems.join("\n"));
  });

  it("never follows a symbolic link (a loop, a broken one, one to a system file), and quotes no file's text", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mt-results-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeResultFile(join(dir, "ok"), "s", attempt(0));
    mkdirSync(join(dir, "links"));
    symlinkSync("/etc/passwd", join(dir, "links", "result-1-1.json"));
    symlinkSync(join(dir, "links", "nowhere"), join(dir, "links", "result-2-1.json"));
    symlinkSync(join(dir, "links"), join(dir, "links", "loop"));
    writeFileSync(join(dir, "links", "result-3-1.json"), "root:x:0:0:secret-looking text");
    const read = readResultFiles(dir, "s");
    assert.deepEqual(
      read.results.map((r) => r.result.trialId),
      [0],
    );
    assert.equal(read.problems.filter((p) => /a symbolic link, not a result file; ignored$/.test(p)).length, 3);
    assert.match(read.problems.join("\n"), /result-3-1\.json: not valid JSON( \(at character \d+\))?; ignored/);
    assert.doesNotMatch(read.problems.join("\n"), /root|secret/);
  });
});
