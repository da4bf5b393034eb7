import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSpace, decode, defaultParams, encode, isActive, paramsKey, snapToStep } from "../../src/space/space.ts";
import { createRng } from "../../src/util/rng.ts";
import { configFrom, MIXED_SPACE } from "../helpers/config.ts";

const space = buildSpace(configFrom(MIXED_SPACE).parameters);
const dimOf = (name: string) => space.dims.findIndex((d) => d.name === name);
const at = (name: string, u: number) => {
  const point = space.dims.map(() => 0.5);
  point[dimOf(name)] = u;
  return decode(space, point)[name];
};

describe("space: decode", () => {
  it("maps a linear float onto [min, max]", () => {
    assert.equal(at("beta2", 0), 0.9);
    assert.equal(at("beta2", 0.5), 0.94995);
    assert.equal(at("beta2", 1), 0.9999);
  });

  it("spreads a log float evenly in log space", () => {
    assert.equal(at("lr", 0), 0.0001);
    assert.equal(at("lr", 0.5), 0.01);
    assert.ok(Math.abs((at("lr", 0.75) as number) - 0.1) < 1e-6);
    assert.ok((at("lr", 1) as number) <= 1);
  });

  it("snaps a stepped float to min + k*step without float noise", () => {
    assert.equal(at("dropout", 0.61), 0.3);
    assert.equal(at("dropout", 0.99), 0.5);
    assert.equal(snapToStep(0, 1, 0.1, 0.7000000001), 0.7);
    assert.equal(snapToStep(0.05, 1, 0.1, 0.99), 0.95, "never above max");
  });

  it("gives every integer, ends included, an equal share", () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const v = at("layers", (i + 0.5) / 4000) as number;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [1, 2, 3, 4]);
    for (const c of counts.values()) assert.equal(c, 1000);
  });

  it("keeps log integers integral and in range, and int steps on the step grid", () => {
    for (let i = 0; i <= 100; i++) {
      const w = at("width", i / 100) as number;
      assert.ok(Number.isInteger(w) && w >= 16 && w <= 256, `width ${w}`);
      const b = at("batch", i / 100) as number;
      assert.ok([16, 32, 48, 64, 80, 96, 112, 128].includes(b), `batch ${b}`);
    }
  });

  it("splits the cube evenly between categories and returns constants as they are", () => {
    assert.equal(at("optimizer", 0.1), "sgd");
    assert.equal(at("optimizer", 0.5), "adam");
    assert.equal(at("optimizer", 0.9), "rmsprop");
    assert.equal(at("epochs", 0.123), 10);
  });

  it("drops conditional parameters whose condition does not hold", () => {
    const point = space.dims.map(() => 0.3);
    point[dimOf("optimizer")] = 0.1;
    const sgd = decode(space, point);
    assert.ok("momentum" in sgd && "nesterov" in sgd && !("beta2" in sgd));
    point[dimOf("optimizer")] = 0.9;
    const rms = decode(space, point);
    assert.ok(!("momentum" in rms) && !("nesterov" in rms) && "beta2" in rms);
  });

  it("puts a parameter after those its condition names, whatever the declaration order", () => {
    const s = buildSpace(
      configFrom(`
name: t
command: [x]
objective: {metric: m, goal: minimize}
parameters:
  momentum: {type: float, min: 0, max: 1, when: {opt: sgd}}
  opt: {type: categorical, values: [sgd, adam]}
`).parameters,
    );
    assert.deepEqual(
      s.dims.map((d) => d.name),
      ["opt", "momentum"],
    );
  });
});

describe("space: encode/decode round trip", () => {
  it("decode(encode(p)) == p for random configurations of every kind", () => {
    const rng = createRng(7);
    for (let i = 0; i < 300; i++) {
      const params = decode(
        space,
        space.dims.map(() => rng.next()),
      );
      assert.deepEqual(decode(space, encode(space, params)), params);
      for (const u of encode(space, params)) assert.ok(u >= 0 && u <= 1);
    }
  });

  it("places inactive parameters at the centre", () => {
    const params = decode(
      space,
      space.dims.map(() => 0.9),
    );
    assert.equal(params.optimizer, "rmsprop");
    assert.equal(encode(space, params)[dimOf("momentum")], 0.5);
  });
});

describe("space: helpers", () => {
  it("isActive accepts one value or a list", () => {
    const beta2 = space.dims[dimOf("beta2")]!.param;
    assert.equal(isActive(beta2, { optimizer: "adam" }), true);
    assert.equal(isActive(beta2, { optimizer: "sgd" }), false);
    assert.equal(isActive(beta2, {}), false);
  });

  it("paramsKey ignores key order", () => {
    assert.equal(paramsKey({ a: 1, b: "x" }), paramsKey({ b: "x", a: 1 }));
    assert.notEqual(paramsKey({ a: 1 }), paramsKey({ a: "1" }));
  });

  it("defaultParams builds the defaults and names what has none", () => {
    const s = buildSpace(
      configFrom(`
name: t
command: [x]
objective: {metric: m, goal: minimize}
parameters:
  opt: {type: categorical, values: [sgd, adam], default: adam}
  momentum: {type: float, min: 0, max: 1, when: {opt: sgd}}
  lr: {type: float, min: 0.1, max: 1}
  k: {type: constant, value: 3}
`).parameters,
    );
    assert.deepEqual(defaultParams(s), { ok: false, missing: ["lr"] });
  });
});
