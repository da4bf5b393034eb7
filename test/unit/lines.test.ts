import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineSplitter } from "../../src/trial/lines.ts";

describe("LineSplitter", () => {
  it("joins a line split across chunks, and gives the unterminated last one at the end", () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push("acc=0."), []);
    assert.deepEqual(s.push("5\nloss"), ["acc=0.5"]);
    assert.deepEqual(s.push("=1\n\nx=2"), ["loss=1", ""]);
    assert.deepEqual(s.end(), ["x=2"]);
  });

  it("drops a line longer than the limit without holding it, and reads the next one", () => {
    const s = new LineSplitter(10);
    for (let i = 0; i < 1000; i++) assert.deepEqual(s.push("x".repeat(1000)), []);
    assert.deepEqual(s.push("tail\nacc=1\n"), ["acc=1"]);
    assert.deepEqual(s.end(), []);
  });

  it("takes 64 MiB without a newline in linear time: each chunk is looked at once", { timeout: 60_000 }, () => {
    const s = new LineSplitter();
    const chunk = "y".repeat(1 << 16);
    // Quadratic joining would copy about 32 GiB here; this finishes in well under a second.
    for (let i = 0; i < 1024; i++) s.push(chunk);
    assert.deepEqual(s.push("\nacc=0.5\n"), ["acc=0.5"]);
  });
});
