/**
 * python/matrix_tune.py against the runner's own readers: what the helper prints
 * and writes is parsed here by src/trial/metrics.ts, so the two cannot drift
 * apart. Runs with `python3` on PATH and with Debian's /usr/bin/python3 when that
 * is another interpreter (a pyenv or venv python3 often comes first on PATH).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, it } from "node:test";
import { LineMetrics, parseMetricsFile } from "../../src/trial/metrics.ts";
import { ROOT } from "../helpers/cli.ts";

const HELPER = join(ROOT, "python", "matrix_tune.py");

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

const interpreters = [onPath("python3"), "/usr/bin/python3"]
  .filter((p): p is string => p !== undefined && existsSync(p))
  .filter((p, i, all) => all.findIndex((q) => realpathSync(q) === realpathSync(p)) === i);

function python(interpreter: string, code: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(interpreter, ["-c", code, ...args], {
    env: { PATH: process.env.PATH ?? "", PYTHONPATH: join(ROOT, "python"), ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("python/matrix_tune.py", () => {
  it("finds a python3 to test with", () => assert.ok(interpreters.length > 0, "python3 is needed by the tests"));

  it("is Python 3.9 syntax", () => {
    const r = python(
      interpreters[0]!,
      "import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 9)); print('ok')",
      [HELPER],
    );
    assert.equal(r.stdout.trim(), "ok", r.stderr);
  });

  for (const py of interpreters) {
    describe(py, () => {
      it("prints step lines and writes a metrics file that the runner reads as meant", () => {
        const dir = mkdtempSync(join(tmpdir(), "mt-pyunit-"));
        const metricsFile = join(dir, "out", "metrics.json");
        const r = python(
          py,
          `import sys, matrix_tune as mt
class Scalar:  # what a 0-d tensor or a numpy scalar looks like
    def __init__(self, v): self.v = v
    def item(self): return self.v
mt.report(step=1, loss=Scalar(0.5), acc=0.25, flag=True, name="x", big=float("inf"))
mt.report(step=2, loss=float("nan"), **{"val/acc": 0.5})
mt.report(acc=0.75)
mt.finish(acc=0.75, loss=float("nan"), epochs=3.0)
print("network" if {"socket", "ssl", "http.client", "urllib.request"} & set(sys.modules) else "offline")
`,
          [],
          { TUNE_METRICS_FILE: metricsFile },
        );
        assert.equal(r.code, 0, r.stderr);
        const lines = new LineMetrics();
        const out = r.stdout.trim().split("\n");
        assert.equal(out.pop(), "offline");
        for (const line of out) lines.add(line);
        // Bools and text are left out; inf and NaN are read as such and kept out of the curve.
        assert.deepEqual(lines.steps, [
          { step: 1, values: { loss: 0.5, acc: 0.25 } },
          { step: 2, values: { "val/acc": 0.5 } },
          { step: 3, values: { acc: 0.75 } },
        ]);
        assert.equal(lines.last.big, Number.POSITIVE_INFINITY);
        assert.equal(out.at(-1), "final acc=0.75 loss=NaN epochs=3");
        const file = parseMetricsFile(readFileSync(metricsFile, "utf8"));
        assert.deepEqual(file, { kind: "ok", values: { acc: 0.75, loss: Number.NaN, epochs: 3 }, texts: {} });
        assert.deepEqual(readdirSync(join(dir, "out")), ["metrics.json"], "no temporary file is left");
      });

      it("the wandb facade works offline: nothing that reaches the network is imported", () => {
        const r = python(
          py,
          `import sys
from matrix_tune import wandb
run = wandb.init(project="p", entity="e", mode="online", config={"lr": 0.1})
wandb.log({"acc": 0.5})
wandb.watch(None)
run.log_artifact(wandb.Artifact("model", type="model"))
wandb.finish()
print("network" if {"socket", "ssl", "http.client", "urllib.request"} & set(sys.modules) else "offline")
`,
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.stdout.trim().split("\n"), ['{"step": 0, "acc": 0.5}', "final acc=0.5", "offline"]);
      });

      it("types --name=value arguments and refuses others, naming them", () => {
        const code = "import matrix_tune as mt; print(sorted(mt.params({'lr': 0.1, 'n': 2}).items()))";
        const r = python(py, code, ["--lr=1", "--n=3.0", "--on=true", "--opt=adam", "--eps=1e-3"]);
        assert.equal(r.stdout.trim(), "[('eps', 0.001), ('lr', 1.0), ('n', 3), ('on', True), ('opt', 'adam')]");
        const bad = python(py, code, ["--lr", "1"]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /^matrix_tune: argument '--lr': expected --name=value/);
      });

      it("refuses a params file that is not a JSON object of scalars, naming the file and field", () => {
        const dir = mkdtempSync(join(tmpdir(), "mt-pyunit-"));
        const cases: [string, RegExp][] = [
          ["{", /: not valid JSON \(/],
          ["[1]", /: expected a JSON object of parameters such as \{"lr": 0.01\}, got list/],
          ['{"lr": {"min": 1}}', /: field "lr" is \{"min": 1\}; expected a string, a finite number or true\/false/],
        ];
        for (const [text, message] of cases) {
          const file = join(dir, "params.json");
          writeFileSync(file, text);
          const r = python(py, "import matrix_tune as mt; mt.params()", [], { TUNE_PARAMS_FILE: file });
          assert.equal(r.code, 2, text);
          assert.ok(r.stderr.startsWith(`matrix_tune: ${file}`), r.stderr);
          assert.match(r.stderr, message);
        }
        const missing = python(py, "import matrix_tune as mt; mt.params()", [], {
          TUNE_PARAMS_FILE: join(dir, "none.json"),
        });
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /cannot read the parameters file .*none\.json \(TUNE_PARAMS_FILE\)/);
      });
    });
  }
});
