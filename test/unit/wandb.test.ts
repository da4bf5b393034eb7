import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, type ConfigIssue } from "../../src/config/errors.ts";
import { parseConfig } from "../../src/config/load.ts";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

function issuesOf(text: string, file = "sweep.yaml"): readonly ConfigIssue[] {
  try {
    parseConfig(text, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err.issues;
  }
  assert.fail("expected the sweep to be rejected");
}

function onlyIssue(text: string): ConfigIssue {
  const issues = issuesOf(text);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  return issues[0]!;
}

describe("W&B sweep configs", () => {
  it("converts every distribution, the metric, run_cap and the default command", () => {
    const loaded = parseConfig(
      lines(
        "name: cifar-sweep",
        "description: from wandb",
        "project: cifar",
        "entity: lab",
        "program: train.py",
        "method: bayes",
        "metric:",
        "  name: val_acc",
        "  goal: maximize",
        "  target: 0.95",
        "run_cap: 30",
        "parameters:",
        "  optimizer:",
        "    values: [adam, sgd]",
        "  epochs:",
        "    value: 10",
        "  lr:",
        "    distribution: uniform",
        "    min: 0.0001",
        "    max: 0.1",
        "  batch:",
        "    distribution: int_uniform",
        "    min: 16",
        "    max: 256",
        "  dropout:",
        "    distribution: q_uniform",
        "    min: 0",
        "    max: 0.5",
        "    q: 0.1",
        "  wd:",
        "    distribution: log_uniform",
        "    min: -4.605170185988091",
        "    max: 0",
        "  lr2:",
        "    distribution: log_uniform_values",
        "    min: 0.0001",
        "    max: 0.1",
        "  momentum:",
        "    distribution: inv_log_uniform_values",
        "    min: 0.01",
        "    max: 0.5",
        "  act:",
        "    distribution: categorical",
        "    values: [relu, gelu, 3, true]",
        "  init_seed:",
        "    distribution: constant",
        "    value: 7",
      ),
      "sweep.yaml",
    );
    assert.equal(loaded.dialect, "wandb");
    const c = loaded.config;
    assert.equal(c.name, "cifar-sweep");
    assert.equal(c.description, "from wandb");
    assert.equal(c.strategy, "bayes");
    assert.deepEqual(c.objective, [{ metric: "val_acc", goal: "maximize", target: 0.95 }]);
    assert.deepEqual(c.budget, { max_trials: 30, parallel: 1, retries: 0 });
    // log_uniform's bounds are natural logs: the values lie in [e^min, e^max].
    const wd = c.parameters.wd as { min: number; max: number };
    assert.ok(Math.abs(wd.min - 0.01) < 1e-15, `e^ln(0.01) is ${wd.min}`);
    assert.equal(wd.max, 1);
    assert.deepEqual(c.parameters, {
      optimizer: { type: "categorical", values: ["adam", "sgd"] },
      epochs: { type: "constant", value: 10 },
      lr: { type: "float", min: 0.0001, max: 0.1, scale: "linear" },
      batch: { type: "int", min: 16, max: 256, scale: "linear" },
      dropout: { type: "float", min: 0, max: 0.5, scale: "linear", step: 0.1 },
      wd: { type: "float", min: Math.exp(-4.605170185988091), max: 1, scale: "log" },
      lr2: { type: "float", min: 0.0001, max: 0.1, scale: "log" },
      momentum: { type: "float", min: 0.01, max: 0.5, scale: "log" },
      act: { type: "categorical", values: ["relu", "gelu", 3, true] },
      init_seed: { type: "constant", value: 7 },
    });
    // The default command `${env} ${interpreter} ${program} ${args}`.
    assert.deepEqual(c.command, [
      "python3",
      "train.py",
      "--optimizer=${optimizer}",
      "--epochs=${epochs}",
      "--lr=${lr}",
      "--batch=${batch}",
      "--dropout=${dropout}",
      "--wd=${wd}",
      "--lr2=${lr2}",
      "--momentum=${momentum}",
      "--act=${act}",
      "--init_seed=${init_seed}",
    ]);
  });

  it("fills in what a minimal sweep leaves out", () => {
    const { config, dialect } = parseConfig(
      lines(
        "method: random",
        "program: train.py",
        "metric: {name: loss}",
        "parameters:",
        "  layers: {min: 1, max: 4}",
        "  lr: {min: 0.001, max: 0.1}",
        "  scale: {min: 0.0, max: 1.0}",
      ),
      "sweeps/my sweep.yaml",
    );
    assert.equal(dialect, "wandb");
    // The study is named after the file, made safe for a directory name.
    assert.equal(config.name, "my-sweep");
    assert.equal(config.strategy, "random");
    assert.deepEqual(config.objective, [{ metric: "loss", goal: "minimize" }]);
    assert.deepEqual(config.budget, { max_trials: 20, parallel: 1, retries: 0 });
    assert.deepEqual(config.parameters, {
      // Integer bounds mean int_uniform, float bounds uniform...
      layers: { type: "int", min: 1, max: 4, scale: "linear" },
      lr: { type: "float", min: 0.001, max: 0.1, scale: "linear" },
      // ...as written: 0.0 and 1.0 are floats to W&B even though they are whole numbers.
      scale: { type: "float", min: 0, max: 1, scale: "linear" },
    });
  });

  it("refuses a parameter named like a built-in, which --seed=${seed} would otherwise not pass", () => {
    assert.throws(
      () =>
        parseConfig(
          lines(
            "method: random",
            "program: train.py",
            "metric: {name: loss}",
            "parameters:",
            "  seed: {values: [1, 2]}",
          ),
          "sweep.yaml",
        ),
      (err: Error) =>
        err instanceof ConfigError &&
        /^sweep\.yaml:5:3: parameters\.seed: "seed" is a name the command template reserves/.test(err.message),
    );
  });

  it("expands a custom command with ${args_no_hyphens}", () => {
    const { config } = parseConfig(
      lines(
        "method: grid",
        "program: train.py",
        "metric: {name: loss, goal: minimize}",
        "parameters:",
        "  opt: {values: [sgd, adam]}",
        "  layers: {values: [1, 2]}",
        "command:",
        "  - ${env}",
        "  - ${interpreter}",
        "  - -m",
        "  - trainer",
        "  - ${program}",
        "  - --config=base.yaml",
        "  - ${args_no_hyphens}",
      ),
      "sweep.yaml",
    );
    assert.deepEqual(config.command, [
      "python3",
      "-m",
      "trainer",
      "train.py",
      "--config=base.yaml",
      "opt=${opt}",
      "layers=${layers}",
    ]);
    assert.equal(config.strategy, "grid");
  });

  it("a custom command without ${program} needs no program", () => {
    const { config } = parseConfig(
      lines(
        "method: random",
        "metric: {name: loss}",
        "parameters:",
        "  opt: {values: [sgd, adam]}",
        "command: [bash, run.sh, '${args}']",
      ),
      "sweep.yaml",
    );
    assert.deepEqual(config.command, ["bash", "run.sh", "--opt=${opt}"]);
  });
});

describe("W&B sweep errors, each at file:line:col", () => {
  it("an unsupported distribution lists the supported ones", () => {
    const issues = issuesOf(
      lines(
        "method: random",
        "program: train.py",
        "metric: {name: loss}",
        "parameters:",
        "  lr:",
        "    distribution: normal",
        "    mu: 0",
        "    sigma: 1",
      ),
    );
    assert.deepEqual(
      issues.map((i) => [i.line, i.col, i.path]),
      [
        [6, 19, "parameters.lr.distribution"],
        [7, 5, "parameters.lr.mu"],
        [8, 5, "parameters.lr.sigma"],
      ],
    );
    assert.match(
      issues[0]!.message,
      /^"normal" is not supported; W&B sweep syntax allows "constant", "categorical", "int_uniform", "uniform"/,
    );
    assert.match(issues[0]!.message, /"inv_log_uniform_values"$/);
    assert.equal(issues[1]!.message, 'unknown field "mu" (W&B sweep syntax)');
  });

  it("an unknown field suggests the W&B one", () => {
    const issue = onlyIssue(
      lines(
        "method: random",
        "program: train.py",
        "metric: {name: loss, goal: minimize}",
        "parameters:",
        "  opt:",
        "    valuez: [sgd, adam]",
      ),
    );
    assert.deepEqual([issue.line, issue.col, issue.path], [6, 5, "parameters.opt.valuez"]);
    assert.equal(issue.message, 'unknown field "valuez"; did you mean "values"? (W&B sweep syntax)');
  });

  it("an invalid method", () => {
    const issue = onlyIssue(
      lines("method: hyperband", "program: t.py", "metric: {name: loss}", "parameters:", "  a: {values: [1, 2]}"),
    );
    assert.deepEqual([issue.line, issue.col, issue.path], [1, 9, "method"]);
    assert.equal(issue.message, '"hyperband" is not supported; W&B sweep syntax allows "grid", "random", "bayes"');
  });

  it("q_log_uniform_values is refused with an alternative", () => {
    const issue = onlyIssue(
      lines(
        "method: random",
        "program: train.py",
        "metric: {name: loss}",
        "parameters:",
        "  opt: {values: [sgd, adam]}",
        "  width:",
        "    distribution: q_log_uniform_values",
        "    min: 16",
        "    max: 512",
        "    q: 16",
      ),
    );
    assert.deepEqual([issue.line, issue.col, issue.path], [6, 3, "parameters.width"]);
    assert.match(
      issue.message,
      /^q_log_uniform_values is not supported; use log_uniform_values, or int_uniform for integers$/,
    );
  });

  it("categorical probabilities are refused", () => {
    const issue = onlyIssue(
      lines(
        "method: random",
        "program: train.py",
        "metric: {name: loss}",
        "parameters:",
        "  opt: {values: [sgd, adam], probabilities: [0.9, 0.1]}",
      ),
    );
    assert.deepEqual([issue.line, issue.col, issue.path], [5, 8, "parameters.opt"]);
    assert.match(issue.message, /probabilities are not supported/);
  });

  it("early_terminate is refused", () => {
    const issue = onlyIssue(
      lines(
        "method: bayes",
        "program: train.py",
        "metric: {name: loss}",
        "parameters:",
        "  lr: {min: 0.001, max: 0.1}",
        "early_terminate:",
        "  type: hyperband",
        "  min_iter: 3",
      ),
    );
    assert.deepEqual([issue.line, issue.col, issue.path], [6, 1, "early_terminate"]);
    assert.match(issue.message, /^early_terminate is not converted yet; remove it/);
  });

  it("the default command needs a program", () => {
    const issue = onlyIssue(
      lines("# no program", "method: random", "metric: {name: loss}", "parameters:", "  lr: {min: 0.001, max: 0.1}"),
    );
    // Nothing to point at but the document, which starts on line 2.
    assert.deepEqual([issue.line, issue.col, issue.path], [2, 1, "program"]);
    assert.equal(issue.message, "the command uses ${program}, so `program` is required");
  });

  it("${args_json} in a command is refused", () => {
    const issue = onlyIssue(
      lines(
        "method: random",
        "program: train.py",
        "metric: {name: loss}",
        "parameters:",
        "  lr: {min: 0.001, max: 0.1}",
        "command:",
        "  - ${program}",
        "  - ${args_json}",
      ),
    );
    assert.deepEqual([issue.line, issue.col, issue.path], [6, 1, "command"]);
    assert.match(issue.message, /^\$\{args_json\} is not supported; the trial gets its parameters as JSON/);
  });

  it("a native-level error in a W&B file points into the file", () => {
    const issues = issuesOf(
      lines(
        "method: random",
        "program: train.py",
        "metric:",
        "  name: loss",
        "parameters:",
        "  lr:",
        "    distribution: uniform",
        "    min: 0.5",
        "    max: 0.1",
        "  width:",
        "    distribution: log_uniform_values",
        "    min: 0",
        "    max: 512",
      ),
    );
    assert.deepEqual(
      issues.map((i) => [i.line, i.col, i.path, i.message]),
      [
        [8, 10, "parameters.lr.min", "min must be less than max (got min 0.5, max 0.1)"],
        [12, 10, "parameters.width.min", "log scale needs min > 0 (got 0); use scale: linear or a positive min"],
      ],
    );
  });

  it("a missing metric name", () => {
    const issues = issuesOf(
      lines("method: random", "program: t.py", "metric:", "  goal: maximize", "parameters:", "  a: {values: [1, 2]}"),
    );
    assert.deepEqual(
      issues.map((i) => [i.line, i.col, i.path]),
      [[3, 1, "metric.name"]],
    );
    assert.equal(issues[0]!.message, "is required (string; W&B sweep syntax)");
  });
});
