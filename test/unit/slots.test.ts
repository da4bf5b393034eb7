import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concurrencyText, processesAtOnce, type Slot, Slots } from "../../src/local/slots.ts";
import { configFrom } from "../helpers/config.ts";

const base = configFrom(`
name: t
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
budget: {parallel: 6}
`);

describe("slots", () => {
  it("hands out the lowest free slot, with its device", async () => {
    const slots = new Slots(3, ["a", "b", "c"]);
    const [s0, s1, s2] = await Promise.all([slots.acquire(), slots.acquire(), slots.acquire()]);
    assert.deepEqual(
      [s0, s1, s2],
      [
        { index: 0, device: "a" },
        { index: 1, device: "b" },
        { index: 2, device: "c" },
      ],
    );
    slots.release(s1!);
    slots.release(s0!);
    assert.deepEqual(await slots.acquire(), { index: 0, device: "a" });
    assert.deepEqual(await slots.acquire(), { index: 1, device: "b" });
  });

  it("without devices a slot is only its index", async () => {
    assert.deepEqual(await new Slots(2).acquire(), { index: 0 });
  });

  it("makes the next ones wait, and gives a freed slot to the longest waiting", async () => {
    const slots = new Slots(1, ["g"]);
    const first = await slots.acquire();
    const order: string[] = [];
    const waitFor = (name: string) =>
      slots.acquire().then((s) => {
        order.push(name);
        return s;
      });
    const second = waitFor("second");
    const third = waitFor("third");
    await Promise.resolve();
    assert.deepEqual(order, [], "nobody gets a held slot");
    slots.release(first);
    const s = await second;
    assert.deepEqual(s, { index: 0, device: "g" });
    assert.deepEqual(order, ["second"]);
    slots.release(s);
    await third;
    assert.deepEqual(order, ["second", "third"]);
  });

  it("with() frees the slot when the task fails, and never runs more than size at once", async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const held: Slot[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      slots.with(async (slot) => {
        running++;
        most = Math.max(most, running);
        held.push(slot);
        assert.ok(held.filter((h) => h.index === slot.index).length === 1, "no slot twice");
        await new Promise((r) => setImmediate(r));
        held.splice(held.indexOf(slot), 1);
        running--;
        if (i % 3 === 0) throw new Error(`task ${i}`);
        return i;
      }),
    );
    const settled = await Promise.allSettled(tasks);
    assert.equal(most, 2);
    assert.deepEqual(
      settled.map((r) => r.status),
      ["rejected", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "rejected"],
    );
    assert.deepEqual(await slots.acquire(), { index: 0 }, "every slot came back");
  });

  it("refuses a slot it did not hand out, and fewer devices than slots", () => {
    assert.throws(() => new Slots(2).release({ index: 0 }), /slot 0 is not held/);
    assert.throws(() => new Slots(3, ["a", "b"]), /3 slots need 3 devices/);
    assert.throws(() => new Slots(0), /at least 1/);
  });
});

describe("processes at once", () => {
  it("is parallel, capped by the number of devices", () => {
    assert.equal(processesAtOnce(base), 6);
    assert.equal(processesAtOnce({ ...base, devices: ["0", "1", "2", "3"] }), 4);
    assert.equal(processesAtOnce({ ...base, budget: { ...base.budget, parallel: 2 }, devices: ["0", "1", "2"] }), 2);
  });

  it("says what a round is and how much of it runs at once", () => {
    assert.equal(
      concurrencyText({ ...base, repeats: 2, folds: 3, devices: ["0", "1", "2", "3"] }),
      "6 trials per round × 6 runs each, 4 processes at a time on devices 0,1,2,3",
    );
    assert.equal(concurrencyText(base), "6 trials per round, 6 processes at a time");
    assert.equal(
      concurrencyText({ ...base, budget: { ...base.budget, parallel: 1 }, devices: ["GPU-1"] }),
      "1 trial per round, 1 process at a time on device GPU-1",
    );
  });
});
