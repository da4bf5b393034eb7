import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gridPoints, gridSize, gridValues } from "../../src/space/grid.ts";
import { buildSpace } from "../../src/space/space.ts";
import { configFrom } from "../helpers/config.ts";

const spaceOf = (params: string) =>
  buildSpace(
    configFrom(`name: t\ncommand: [x]\nobjective: {metric: m, goal: minimize}\nstrategy: grid\nparameters:\n${params}`)
      .parameters,
  );

describe("grid", () => {
  it("walks and counts a range of billions without holding it", () => {
    const space = spaceOf(
      "  a: {type: int, min: 0, max: 4294967296}\n  b: {type: float, min: 0, max: 100000000, step: 0.5}\n",
    );
    assert.equal(gridSize(space, 1000), 1000);
    const first = gridPoints(space).next().value;
    assert.deepEqual(first, { a: 0, b: 0 });
  });

  it("enumerates the cartesian product with the first parameter varying slowest", () => {
    const space = spaceOf(`  a: {type: categorical, values: [x, y]}\n  b: {type: int, min: 1, max: 3}\n`);
    assert.deepEqual(
      [...gridPoints(space)],
      [
        { a: "x", b: 1 },
        { a: "x", b: 2 },
        { a: "x", b: 3 },
        { a: "y", b: 1 },
        { a: "y", b: 2 },
        { a: "y", b: 3 },
      ],
    );
  });

  it("takes float points from values, points (on the scale) or step", () => {
    const space = spaceOf(
      `  a: {type: float, min: 0, max: 1, values: [0.5, 0.1]}\n  b: {type: float, min: 0.001, max: 0.1, scale: log, points: 3}\n  c: {type: float, min: 0, max: 0.3, step: 0.1}\n`,
    );
    assert.deepEqual(gridValues(space.dims[0]!.param), [0.5, 0.1]);
    assert.deepEqual(gridValues(space.dims[1]!.param), [0.001, 0.01, 0.1]);
    assert.deepEqual([...gridValues(space.dims[2]!.param)], [0, 0.1, 0.2, 0.3]);
    assert.equal(gridSize(space), 2 * 3 * 4);
  });

  it("varies a conditional parameter only where its condition holds", () => {
    const space = spaceOf(
      `  opt: {type: categorical, values: [sgd, adam]}\n  momentum: {type: float, min: 0, max: 0.9, points: 2, when: {opt: sgd}}\n  k: {type: constant, value: 1}\n`,
    );
    assert.deepEqual(
      [...gridPoints(space)],
      [
        { opt: "sgd", momentum: 0, k: 1 },
        { opt: "sgd", momentum: 0.9, k: 1 },
        { opt: "adam", k: 1 },
      ],
    );
  });

  it("counts a huge grid only up to the limit", () => {
    const space = spaceOf(
      `  a: {type: int, min: 1, max: 1000}\n  b: {type: int, min: 1, max: 1000}\n  c: {type: int, min: 1, max: 1000}\n`,
    );
    assert.equal(gridSize(space, 5000), 5000);
  });

  it("de-duplicates integer points that round together", () => {
    const space = spaceOf(`  a: {type: int, min: 1, max: 3, points: 7}\n`);
    assert.deepEqual([...gridValues(space.dims[0]!.param)], [1, 2, 3]);
  });
});
