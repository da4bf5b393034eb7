import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { CURVE_POINTS } from "../../src/study/curve.ts";
import {
  definitionSource,
  fileSource,
  lineSource,
  type MetricSource,
  resolveMetrics,
} from "../../src/trial/metric-sources.ts";
import {
  LineMetrics,
  type MetricsFile,
  matchDefinitions,
  parseMetricLine,
  parseMetricsFile,
} from "../../src/trial/metrics.ts";

type Definitions = Config["metrics"]["definitions"];

/** The trial runner's three sources, in its order: the metrics file, then regexes, then lines. */
function resolveThree(
  config: Pick<Config, "objective" | "constraints" | "metrics">,
  found: {
    file: MetricsFile;
    filePath: string;
    definitions: Record<string, number>;
    lines: Record<string, number>;
    lineTexts?: Record<string, string>;
  },
) {
  return resolveMetrics(config, [
    fileSource(found.file, found.filePath),
    definitionSource(config.metrics.definitions, found.definitions),
    lineSource(config.metrics.lines, { last: found.lines, texts: found.lineTexts ?? {} }),
  ]);
}

describe("parseMetricLine", () => {
  it("reads name=value pairs", () => {
    assert.deepEqual(parseMetricLine("loss=0.5 acc=0.9"), { loss: 0.5, acc: 0.9 });
    assert.deepEqual(parseMetricLine("  steps=12  "), { steps: 12 });
  });

  it("reads scientific notation and leading-dot numbers", () => {
    assert.deepEqual(parseMetricLine("lr=1e-3 big=2.5E+4 tiny=.5 whole=3."), {
      lr: 0.001,
      big: 25000,
      tiny: 0.5,
      whole: 3,
    });
  });

  it("reads signed numbers", () => {
    assert.deepEqual(parseMetricLine("delta=-0.25 gain=+3 drop=-1e-2"), {
      delta: -0.25,
      gain: 3,
      drop: -0.01,
    });
  });

  it("reads `name: value` and spaced `name = value`", () => {
    assert.deepEqual(parseMetricLine("val_loss: 0.31"), { val_loss: 0.31 });
    assert.deepEqual(parseMetricLine("train/loss = 0.7, val.acc=0.8;"), {
      "train/loss": 0.7,
      "val.acc": 0.8,
    });
  });

  it("reads nan and inf in their usual spellings", () => {
    const m = parseMetricLine("a=nan b=NaN c=inf d=-inf e=Infinity f=-Infinity g=+inf");
    assert.ok(m);
    assert.ok(Number.isNaN(m.a));
    assert.ok(Number.isNaN(m.b));
    assert.equal(m.c, Number.POSITIVE_INFINITY);
    assert.equal(m.d, Number.NEGATIVE_INFINITY);
    assert.equal(m.e, Number.POSITIVE_INFINITY);
    assert.equal(m.f, Number.NEGATIVE_INFINITY);
    assert.equal(m.g, Number.POSITIVE_INFINITY);
    assert.deepEqual(Object.keys(m), ["a", "b", "c", "d", "e", "f", "g"]);
  });

  it("reads the numeric fields of a JSON-object line", () => {
    assert.deepEqual(parseMetricLine('{"loss": 0.5, "step": 3, "name": "run", "nested": {"a": 1}, "ok": true}'), {
      loss: 0.5,
      step: 3,
    });
    assert.equal(parseMetricLine('{"msg": "no numbers here"}'), undefined);
  });

  it("falls back to pairs when a braced line is not JSON", () => {
    assert.deepEqual(parseMetricLine("{not json} loss=0.5 {x}"), { loss: 0.5 });
  });

  it("gives undefined for lines without metrics", () => {
    for (const line of ["", "   ", "Training started", "[1, 2, 3]", "loss is low"])
      assert.equal(parseMetricLine(line), undefined, line);
  });

  it("ignores '=' and ':' that are not followed by a number", () => {
    for (const line of [
      "set x = y",
      "a==b",
      "version=1.2.3",
      "see https://example.org/?a=b&c=1x",
      "ratio=3/4",
      "time: 12:30",
      "id=abc123",
      "width=12px",
      "note: values like loss=high are not numbers",
    ])
      assert.equal(parseMetricLine(line), undefined, line);
    assert.deepEqual(parseMetricLine("Epoch done, loss=0.5 (best so far: yes)"), { loss: 0.5 });
  });
});

describe("LineMetrics", () => {
  it("reads coloured lines, and takes a `final` summary line as the last values but not as a step", () => {
    const lm = new LineMetrics();
    assert.deepEqual(lm.add("\u001b[32mepoch=1 acc=0.8\u001b[0m"), { step: 1, values: { acc: 0.8 } });
    assert.deepEqual(lm.add("\u001b[1;33mepoch=2\u001b[0m acc=\u001b[1m0.9\u001b[0m"), {
      step: 2,
      values: { acc: 0.9 },
    });
    assert.equal(lm.add("final acc=0.95 loss=0.1"), undefined);
    assert.equal(lm.add("\u001b[1mFinal:\u001b[0m acc=0.96"), undefined);
    assert.deepEqual(
      lm.steps.map((s) => s.step),
      [1, 2],
    );
    assert.deepEqual(lm.last, { acc: 0.96, loss: 0.1 });
  });

  it("counts steps itself when lines carry no step key", () => {
    const lm = new LineMetrics();
    assert.deepEqual(lm.add("loss=1"), { step: 0, values: { loss: 1 } });
    assert.equal(lm.add("no metrics on this line"), undefined);
    assert.deepEqual(lm.add("loss=0.5 acc=0.25"), { step: 1, values: { loss: 0.5, acc: 0.25 } });
    assert.deepEqual(lm.steps, [
      { step: 0, values: { loss: 1 } },
      { step: 1, values: { loss: 0.5, acc: 0.25 } },
    ]);
  });

  it("takes explicit epoch=/step=/iter= keys as the step, not as values", () => {
    const lm = new LineMetrics();
    assert.deepEqual(lm.add("epoch=5 loss=0.3"), { step: 5, values: { loss: 0.3 } });
    // Implicit counting goes on from the last explicit step.
    assert.deepEqual(lm.add("loss=0.2"), { step: 6, values: { loss: 0.2 } });
    assert.deepEqual(lm.add('{"step": 10, "loss": 0.1}'), { step: 10, values: { loss: 0.1 } });
    assert.deepEqual(lm.add("iter=20 loss=0.05"), { step: 20, values: { loss: 0.05 } });
    assert.deepEqual(
      lm.steps.map((s) => s.step),
      [5, 6, 10, 20],
    );
    assert.equal("epoch" in lm.last, false);
    assert.equal("step" in lm.last, false);
  });

  it("treats a fractional or negative step key as an ordinary value", () => {
    const lm = new LineMetrics();
    assert.deepEqual(lm.add("epoch=1.5 loss=0.2"), { step: 0, values: { epoch: 1.5, loss: 0.2 } });
    assert.deepEqual(lm.add("step=-1 loss=0.1"), { step: 1, values: { step: -1, loss: 0.1 } });
  });

  it("keeps non-finite values out of steps but remembers them in last", () => {
    const lm = new LineMetrics();
    lm.add("loss=0.5 acc=0.1");
    assert.equal(lm.add("loss=nan"), undefined);
    assert.deepEqual(lm.add("loss=inf acc=0.2"), { step: 1, values: { acc: 0.2 } });
    assert.deepEqual(lm.steps, [
      { step: 0, values: { loss: 0.5, acc: 0.1 } },
      { step: 1, values: { acc: 0.2 } },
    ]);
    assert.equal(lm.last.loss, Number.POSITIVE_INFINITY);
    assert.equal(lm.last.acc, 0.2);
    lm.add("loss=nan");
    assert.ok(Number.isNaN(lm.last.loss));
  });

  it("keeps the latest value of each name in last", () => {
    const lm = new LineMetrics();
    lm.add("loss=1 acc=0.5");
    lm.add("loss=0.25");
    assert.deepEqual(lm.last, { loss: 0.25, acc: 0.5 });
  });
});

describe("matchDefinitions", () => {
  const stdout = "acc=0.1\nval acc 0.2 at epoch 3\nacc=0.3\n";
  const stderr = "acc=0.9\nval acc 0.8 at epoch 4\n";

  it("reads an empty or non-decimal capture as not a number, never as 0 or hex", () => {
    const defs: Definitions = [
      { name: "empty", regex: "loss: (\\S*)", stream: "stdout" },
      { name: "hex", regex: "acc (\\S+)", stream: "stdout" },
    ];
    const got = matchDefinitions(defs, "loss: \nacc 0x10\n", "");
    assert.ok(Number.isNaN(got.empty));
    assert.ok(Number.isNaN(got.hex));
  });

  it("reads only the chosen stream", () => {
    const defs: Definitions = [
      { name: "out", regex: String.raw`acc=(\d+\.\d+)`, stream: "stdout" },
      { name: "err", regex: String.raw`acc=(\d+\.\d+)`, stream: "stderr" },
    ];
    assert.deepEqual(matchDefinitions(defs, stdout, stderr), { out: 0.3, err: 0.9 });
  });

  it("reads both streams, stderr after stdout", () => {
    const defs: Definitions = [
      { name: "both", regex: String.raw`acc=(\d+\.\d+)`, stream: "both" },
      { name: "only_out", regex: String.raw`^acc=(0\.[13])$`, stream: "both" },
    ];
    assert.deepEqual(matchDefinitions(defs, stdout, stderr), { both: 0.9, only_out: 0.3 });
  });

  it("takes the last match and its first capture group", () => {
    const defs: Definitions = [
      { name: "val_acc", regex: String.raw`val acc (\S+) at epoch (\d+)`, stream: "stdout" },
      { name: "epoch", regex: String.raw`val acc \S+ at epoch (\d+)`, stream: "both" },
    ];
    assert.deepEqual(matchDefinitions(defs, stdout, stderr), { val_acc: 0.2, epoch: 4 });
  });

  it("leaves out definitions that match nothing or capture nothing", () => {
    const defs: Definitions = [
      { name: "missing", regex: String.raw`f1=(\d+)`, stream: "both" },
      { name: "no_group", regex: String.raw`acc=\d+`, stream: "both" },
    ];
    assert.deepEqual(matchDefinitions(defs, stdout, stderr), {});
  });

  it("reads nan and inf captures as non-finite numbers", () => {
    const defs: Definitions = [
      { name: "loss", regex: String.raw`loss: (\S+)`, stream: "stdout" },
      { name: "grad", regex: String.raw`grad: (\S+)`, stream: "stdout" },
    ];
    const got = matchDefinitions(defs, "loss: 0.5\nloss: nan\ngrad: -inf\n", "");
    assert.ok(Number.isNaN(got.loss));
    assert.equal(got.grad, Number.NEGATIVE_INFINITY);
  });
});

describe("parseMetricsFile", () => {
  it("reports a missing file", () => {
    assert.deepEqual(parseMetricsFile(undefined), { kind: "missing" });
  });

  it("reports invalid JSON", () => {
    const got = parseMetricsFile('{"val_loss": 0.3');
    assert.equal(got.kind, "invalid");
    assert.match((got as { message: string }).message, /is not valid JSON/);
  });

  it("reports JSON that is not an object", () => {
    for (const text of ["[1, 2]", "3", "null", '"x"']) {
      const got = parseMetricsFile(text);
      assert.equal(got.kind, "invalid", text);
      assert.match((got as { message: string }).message, /must hold a JSON object/, text);
    }
  });

  it("keeps the numeric fields of an object, numbers written as strings included", () => {
    assert.deepEqual(
      parseMetricsFile(
        '{"val_loss": 0.3, "acc": 1, "name": "x", "nested": {"a": 1}, "flag": true, "n": null, "s": "1.5"}',
      ),
      { kind: "ok", values: { val_loss: 0.3, acc: 1, s: 1.5 }, texts: { name: "x" } },
    );
  });

  it('reads "NaN" and "Infinity" strings as non-finite numbers', () => {
    const got = parseMetricsFile('{"a": "NaN", "b": "inf", "c": "-Infinity", "d": "nanometre"}');
    assert.equal(got.kind, "ok");
    const values = (got as { values: Record<string, number> }).values;
    assert.deepEqual(Object.keys(values), ["a", "b", "c"]);
    assert.ok(Number.isNaN(values.a));
    assert.equal(values.b, Number.POSITIVE_INFINITY);
    assert.equal(values.c, Number.NEGATIVE_INFINITY);
  });
});

describe("parseMetricLine: separators", () => {
  it("reads pairs separated by commas or semicolons without spaces", () => {
    assert.deepEqual(parseMetricLine("loss=0.5,acc=0.9;lr=0.1"), { loss: 0.5, acc: 0.9, lr: 0.1 });
  });
});

describe("resolveMetrics", () => {
  const path = "/out/metrics.json";
  const config = (metrics: Partial<Config["metrics"]> = {}): Pick<Config, "objective" | "constraints" | "metrics"> => ({
    objective: [{ metric: "val_loss", goal: "minimize" }],
    constraints: [],
    metrics: { record: [], definitions: [], lines: true, ...metrics },
  });
  const ok = (values: Record<string, number>): MetricsFile => ({ kind: "ok", values });
  const missing: MetricsFile = { kind: "missing" };
  const regexDef: Definitions = [{ name: "val_loss", regex: "val_loss (\\S+)", stream: "both" }];

  it("does not mistake inherited object members for metrics", () => {
    const r = resolveThree(
      {
        objective: [{ metric: "constructor", goal: "minimize" }],
        constraints: [],
        metrics: { record: [], definitions: [], lines: true },
      },
      { file: ok({}), filePath: path, definitions: {}, lines: {} },
    );
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason, /objective "constructor" not found/);
  });

  it("prefers the file over regexes over lines", () => {
    const cfg = config({ definitions: regexDef });
    const lines = { val_loss: 3 };
    assert.deepEqual(
      resolveThree(cfg, {
        file: ok({ val_loss: 1 }),
        filePath: path,
        definitions: { val_loss: 2 },
        lines,
      }),
      { ok: true, value: 1, metrics: { val_loss: 1 } },
    );
    assert.deepEqual(
      resolveThree(cfg, {
        file: ok({ other: 9 }),
        filePath: path,
        definitions: { val_loss: 2 },
        lines,
      }),
      { ok: true, value: 2, metrics: { val_loss: 2 } },
    );
    assert.deepEqual(resolveThree(cfg, { file: missing, filePath: path, definitions: {}, lines }), {
      ok: true,
      value: 3,
      metrics: { val_loss: 3 },
    });
  });

  it("keeps the objective and recorded metrics only, each from its best source", () => {
    const got = resolveThree(config({ record: ["acc", "f1", "absent"] }), {
      file: ok({ val_loss: 0.5, extra: 7 }),
      filePath: path,
      definitions: { f1: 0.75 },
      lines: { acc: 0.25, f1: 0.1, stray: 4 },
    });
    assert.deepEqual(got, { ok: true, value: 0.5, metrics: { val_loss: 0.5, acc: 0.25, f1: 0.75 } });
  });

  it("drops non-finite recorded metrics but still succeeds", () => {
    const got = resolveThree(config({ record: ["acc"] }), {
      file: ok({ val_loss: 0.5, acc: Number.NaN }),
      filePath: path,
      definitions: {},
      lines: {},
    });
    assert.deepEqual(got, { ok: true, value: 0.5, metrics: { val_loss: 0.5 } });
  });

  it("names every source tried when the objective is missing", () => {
    const got = resolveThree(config({ record: ["acc"] }), {
      file: missing,
      filePath: path,
      definitions: {},
      lines: { acc: 0.5 },
    });
    assert.equal(got.ok, false);
    assert.equal(
      (got as { reason: string }).reason,
      'objective "val_loss" not found: metrics file /out/metrics.json was not written; ' +
        'no metrics.definitions entry names "val_loss"; no "val_loss=<number>" line in stdout',
    );
    assert.deepEqual(got.metrics, { acc: 0.5 });
  });

  it("says when the file is invalid, lacks the objective, or the regex did not match", () => {
    const invalid = resolveThree(config({ definitions: regexDef }), {
      file: { kind: "invalid", message: "is not valid JSON (Unexpected end)" },
      filePath: path,
      definitions: {},
      lines: {},
    });
    assert.equal(invalid.ok, false);
    const reason = (invalid as { reason: string }).reason;
    assert.match(reason, /metrics file \/out\/metrics\.json is not valid JSON \(Unexpected end\)/);
    assert.match(reason, /the regex for "val_loss" did not match the output/);

    const without = resolveThree(config(), {
      file: ok({ acc: 1 }),
      filePath: path,
      definitions: {},
      lines: {},
    });
    assert.match((without as { reason: string }).reason, /metrics file \/out\/metrics\.json has no "val_loss"/);
  });

  it("ignores line values when metrics.lines is false, and says so", () => {
    const got = resolveThree(config({ lines: false }), {
      file: missing,
      filePath: path,
      definitions: {},
      lines: { val_loss: 0.3 },
    });
    assert.equal(got.ok, false);
    assert.match((got as { reason: string }).reason, /metric lines are off \(metrics\.lines: false\)$/);
  });

  it("rejects a NaN or infinite objective with a reason saying so", () => {
    const nan = resolveThree(config(), {
      file: ok({ val_loss: Number.NaN }),
      filePath: path,
      definitions: {},
      // A finite line value does not rescue a NaN in the file: the file is authoritative.
      lines: { val_loss: 0.3 },
    });
    assert.deepEqual(nan, {
      ok: false,
      reason: 'objective "val_loss" is NaN, not a finite number',
      metrics: {},
    });
    const inf = resolveThree(config(), {
      file: missing,
      filePath: path,
      definitions: { val_loss: Number.NEGATIVE_INFINITY },
      lines: {},
    });
    assert.equal(inf.ok, false);
    assert.equal((inf as { reason: string }).reason, 'objective "val_loss" is -Infinity, not a finite number');
  });
  it("takes another source as one more entry, ranked by its place in the list", () => {
    const summary: MetricSource = {
      values: { val_loss: 0.4, acc: Number.NaN },
      texts: { acc: "n/a" },
      where: "in the run's summary",
      lacks: (name) => `the summary has no "${name}"`,
    };
    const cfg = config({ record: ["acc"] });
    const file = fileSource(ok({ other: 1 }), path);
    const lines = lineSource(true, { last: { val_loss: 0.9, acc: 0.5 }, texts: {} });
    assert.deepEqual(resolveMetrics(cfg, [file, summary, lines]), { ok: true, value: 0.4, metrics: { val_loss: 0.4 } });
    assert.deepEqual(resolveMetrics(cfg, [file, lines, summary]), {
      ok: true,
      value: 0.9,
      metrics: { val_loss: 0.9, acc: 0.5 },
    });
    const acc = { ...cfg, objective: [{ metric: "acc", goal: "maximize" as const }] as Config["objective"] };
    assert.equal(
      (resolveMetrics(acc, [file, summary, lines]) as { reason: string }).reason,
      `objective "acc" is "n/a", not a number in the run's summary`,
    );
    assert.equal(
      (
        resolveMetrics({ ...cfg, objective: [{ metric: "f1", goal: "maximize" as const }] as Config["objective"] }, [
          file,
          summary,
        ]) as { reason: string }
      ).reason,
      'objective "f1" not found: metrics file /out/metrics.json has no "f1"; the summary has no "f1"',
    );
  });
});

describe("metric values that are not numbers as written", () => {
  const config: Pick<Config, "objective" | "constraints" | "metrics"> = {
    objective: [{ metric: "acc", goal: "maximize" }],
    constraints: [],
    metrics: { record: [], definitions: [], lines: true },
  };
  const path = "/out/metrics.json";

  it("refuses a decimal comma in a line instead of reading 0,95 as 0", () => {
    const m = parseMetricLine("step=3 acc=0,95 loss=0.1");
    assert.ok(m);
    assert.ok(Number.isNaN(m.acc), `acc read as ${m.acc}`);
    assert.equal(m.loss, 0.1);
    const lines = new LineMetrics();
    lines.add("step=3 acc=0,95");
    const r = resolveThree(config, {
      file: { kind: "missing" },
      filePath: path,
      definitions: {},
      lines: lines.last,
      lineTexts: lines.texts,
    });
    assert.equal(r.ok, false);
    assert.match(
      (r as { reason: string }).reason,
      /objective "acc" is "0,95", not a number; write a decimal point: 0\.95/,
    );
    assert.deepEqual(parseMetricLine("a=1,b=2"), { a: 1, b: 2 }, "a comma between pairs is still a separator");
  });

  it("reads a number written as a string in the metrics file, and explains any other string", () => {
    const file = parseMetricsFile('{"acc": "0.7", "loss": "0,3", "note": "fast"}');
    assert.equal(file.kind, "ok");
    const values = (file as { values: Record<string, number> }).values;
    assert.equal(values.acc, 0.7);
    assert.ok(Number.isNaN(values.loss));
    const resolve = (text: string, metric: string) =>
      resolveThree(
        { ...config, objective: [{ metric, goal: "maximize" as const }] as Config["objective"] },
        { file: parseMetricsFile(text), filePath: path, definitions: {}, lines: {} },
      );
    assert.deepEqual(resolve('{"acc": "0.7"}', "acc"), { ok: true, value: 0.7, metrics: { acc: 0.7 } });
    assert.match(
      (resolve('{"acc": "0,7"}', "acc") as { reason: string }).reason,
      /"acc" is "0,7", not a number; write a decimal point: 0\.7 in metrics file \/out\/metrics\.json/,
    );
    assert.match((resolve('{"acc": "high"}', "acc") as { reason: string }).reason, /"acc" is "high", not a number/);
  });

  it("keeps the other metrics of a file with a bare NaN, as Python's json.dump writes it", () => {
    const file = parseMetricsFile('{"acc": 0.91, "loss": NaN, "grad": -Infinity, "name": "NaN Infinity run"}');
    assert.equal(file.kind, "ok");
    const values = (file as { values: Record<string, number> }).values;
    assert.equal(values.acc, 0.91);
    assert.ok(Number.isNaN(values.loss));
    assert.equal(values.grad, Number.NEGATIVE_INFINITY);
    assert.deepEqual(
      resolveThree(
        { ...config, metrics: { ...config.metrics, record: ["loss"] } },
        { file, filePath: path, definitions: {}, lines: {} },
      ),
      { ok: true, value: 0.91, metrics: { acc: 0.91 } },
    );
    assert.equal(parseMetricsFile("{acc: NaN").kind, "invalid", "still not JSON");
  });

  it("keeps a bounded curve however many lines a trial prints", () => {
    const lines = new LineMetrics({ objective: config.objective[0] });
    for (let i = 0; i < 200_000; i++) lines.add(`step=${i} acc=${i === 4321 ? 2 : i / 200_000}`);
    assert.ok(lines.steps.length <= CURVE_POINTS + 3, `${lines.steps.length} steps kept`);
    assert.ok(
      lines.steps.some((s) => s.step === 4321 && s.values.acc === 2),
      "the best step is kept",
    );
    assert.equal(lines.steps.at(-1)?.step, 199_999);
  });
});
