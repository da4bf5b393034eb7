import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, startCli } from "../helpers/cli.ts";
import { countedStudy } from "../helpers/counted.ts";

function setup(): { dir: string; config: string; journal: string; state: string } {
  const { dir, config, journal, study } = countedStudy({ trials: 16 });
  return { dir, config, journal, state: join(study, "state.json") };
}

interface StateFile {
  trials: { id: number; status: string; params: { x: number }; attempts: unknown[] }[];
}
const readState = (path: string): StateFile => JSON.parse(readFileSync(path, "utf8"));
const succeededIds = (path: string) =>
  existsSync(path)
    ? readState(path)
        .trials.filter((t) => t.status === "succeeded")
        .map((t) => t.id)
    : [];

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

for (const signal of ["SIGINT", "SIGKILL"] as const) {
  describe(`a study stopped by ${signal} and resumed`, () => {
    it("keeps every finished trial and never runs one twice", async () => {
      const { dir, config, journal, state } = setup();
      const env = { JOURNAL: journal };
      const first = startCli(["run", config], { env });
      await waitFor(() => succeededIds(state).length >= 5, "5 finished trials");
      first.child.kill(signal);
      const stopped = await first.done;
      if (signal === "SIGINT") {
        assert.equal(stopped.code, 130, stopped.stderr);
        assert.match(stopped.stderr, /--resume/);
      }
      const before = readState(state);
      const finishedBefore = before.trials.filter((t) => t.status === "succeeded");
      assert.ok(finishedBefore.length >= 5);
      // Trials the kill left behind must end before the resume starts, as they would on a real machine.
      await sleep(400);
      const startsBefore = readFileSync(journal, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("start")).length;

      const again = await runCli(["run", config], { env, cwd: dir });
      assert.equal(again.code, 4, "a saved study is not overwritten without --resume");
      assert.match(again.stderr, /--resume/);

      const resumed = await runCli(["run", config, "--resume"], { env });
      assert.equal(resumed.code, 0, resumed.stderr);
      const after = readState(state);
      assert.equal(after.trials.length, 16);
      assert.ok(after.trials.every((t) => t.status === "succeeded"));
      for (const t of finishedBefore) assert.deepEqual(after.trials[t.id], t, `trial ${t.id} kept as it was`);

      const restarted = readFileSync(journal, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("start"))
        .slice(startsBefore)
        .map((l) => Number(l.split(" ")[1]));
      for (const t of finishedBefore) assert.ok(!restarted.includes(t.id), `finished trial ${t.id} ran again`);
      assert.equal(new Set(restarted).size, restarted.length, "each trial started at most once after the resume");
      assert.equal(new Set(after.trials.map((t) => t.params.x)).size, 16, "no configuration repeated");
    });
  });
}

describe("extending a finished study", () => {
  it("--resume with a larger --max-trials keeps the history and adds trials", async () => {
    const { config, journal, state } = setup();
    const env = { JOURNAL: journal };
    const first = await runCli(["run", config, "--max-trials", "4"], { env });
    assert.equal(first.code, 0, first.stderr);
    const before = readState(state).trials;
    assert.equal(before.length, 4);
    const more = await runCli(["run", config, "--resume", "--max-trials", "6"], { env });
    assert.equal(more.code, 0, more.stderr);
    const after = readState(state).trials;
    assert.equal(after.length, 6);
    assert.deepEqual(after.slice(0, 4), before);
    const starts = readFileSync(journal, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("start"));
    assert.equal(starts.length, 6, "only the two new trials ran");
  });
});
