/**
 * `matrix-tune trial --spec`: the `run:` step of a trial job. Its exit code is
 * what the step's conclusion shows: 0 for a trial that succeeded or was
 * pruned, 3 for one that failed (of several, once all have run), 130 when the job was cancelled (the trial's
 * whole process group stopped), 2 for a spec it cannot use.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, startCli } from "../helpers/cli.ts";
import { alive } from "../helpers/processes.ts";

/** A config whose trial runs `script` with node, and the spec of its trial 0 with parameter `mode`. */
function specFor(script: string, mode: string): { spec: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "mt-cli-trial-"));
  writeFileSync(join(dir, "trial.mjs"), script);
  writeFileSync(
    join(dir, "tune.yml"),
    `name: t
command: [node, trial.mjs, "\${mode}"]
objective: {metric: loss, goal: minimize}
parameters:
  mode: {type: categorical, values: [ok, fail, hang]}
`,
  );
  const spec = join(dir, "spec.json");
  writeFileSync(
    spec,
    JSON.stringify({
      v: 2,
      runs: [
        {
          payload: { v: 1, study: "t", round: 1, trial: 0, attempt: 1, id: "0-1", params: { mode } },
          outputDir: join(dir, "output"),
          checkpointDir: join(dir, "checkpoint"),
        },
      ],
      config: join(dir, "tune.yml"),
      overrides: {},
      resultsDir: join(dir, "results"),
      runId: 77,
    }),
  );
  return { spec, dir };
}

const TRIAL = `import { writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
const mode = process.argv[2];
if (mode === "fail") { console.error("error: failing on purpose"); process.exit(1); }
if (mode === "hang") {
  // A grandchild in the same group, which must be stopped with the trial.
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  writeFileSync("pids.txt", \`\${process.pid} \${child.pid}\`);
  setInterval(() => {}, 1000);
} else console.log("loss=0.25");
`;

const result = (dir: string) => JSON.parse(readFileSync(join(dir, "results/result-0-1.json"), "utf8"));

describe("matrix-tune trial --spec", () => {
  it("runs the trial, writes its result, and exits 0 when it succeeded", async () => {
    const { spec, dir } = specFor(TRIAL, "ok");
    const r = await runCli(["trial", "--spec", spec]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trial 0 \(attempt 1\) of t: \{"mode":"ok"\}\n/);
    assert.match(r.stdout, /trial 0 \(attempt 1\): loss = 0\.25\nresult: .*result-0-1\.json\n$/);
    assert.deepEqual([result(dir).status, result(dir).value, result(dir).runId], ["succeeded", 0.25, 77]);
  });

  it("exits 3 for a failed trial, its result written", async () => {
    const { spec, dir } = specFor(TRIAL, "fail");
    const r = await runCli(["trial", "--spec", spec]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /failed: exited with code 1: error: failing on purpose/);
    assert.equal(result(dir).status, "failed");
  });

  it("runs a spec's runs one after another: a failure stops none, each result is written, and the exit is 3 after all", async () => {
    const { spec, dir } = specFor(TRIAL, "fail");
    const written = JSON.parse(readFileSync(spec, "utf8"));
    const run = (trial: number, mode: string) => ({
      payload: { ...written.runs[0].payload, trial, id: `${trial}-1`, params: { mode } },
      outputDir: join(dir, `output-${trial}`),
      checkpointDir: join(dir, `checkpoint-${trial}`),
    });
    writeFileSync(spec, JSON.stringify({ ...written, runs: [run(0, "ok"), run(1, "fail"), run(2, "ok")] }));
    const r = await runCli(["trial", "--spec", spec]);
    assert.equal(r.code, 3, r.stderr);
    const status = (trial: number) =>
      JSON.parse(readFileSync(join(dir, `results/result-${trial}-1.json`), "utf8")).status;
    assert.deepEqual([0, 1, 2].map(status), ["succeeded", "failed", "succeeded"]);
    assert.match(r.stdout, /trial 1 \(attempt 1\): failed: [\s\S]*trial 2 \(attempt 1\) of t: \{"mode":"ok"\}/);
    for (const trial of [0, 1, 2])
      assert.ok(existsSync(join(dir, `output-${trial}`, "log.txt")), `run ${trial}'s own output`);
  });

  it("on SIGTERM stops the trial's process group and exits 130 without a result", async () => {
    const { spec, dir } = specFor(TRIAL, "hang");
    const { child, done } = startCli(["trial", "--spec", spec]);
    const pids = join(dir, "pids.txt");
    for (let i = 0; i < 200 && !existsSync(pids); i++) await sleep(25);
    child.kill("SIGTERM");
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /the trial was stopped/);
    assert.equal(existsSync(join(dir, "results/result-0-1.json")), false);
    for (const pid of readFileSync(pids, "utf8").split(" ").map(Number))
      assert.equal(alive(pid), false, `process ${pid} is still running`);
  });

  it("exits 2 for a spec it cannot read or a payload outside the config's space", async () => {
    const missing = await runCli(["trial", "--spec", "/nonexistent/spec.json"]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^error: cannot read the trial spec \/nonexistent\/spec\.json .*prepare step writes it/,
    );
    const { spec } = specFor(TRIAL, "sideways");
    const outside = await runCli(["trial", "--spec", spec]);
    assert.equal(outside.code, 2);
    assert.match(
      outside.stderr,
      /^error: the payload does not fit the config: parameter "mode" is "sideways": expected one of "ok", "fail", "hang"\n/,
    );
  });
});
