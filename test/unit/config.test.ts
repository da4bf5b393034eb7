import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { splitCommand } from "../../src/config/command.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/errors.ts";
import { loadConfig, parseConfig } from "../../src/config/load.ts";
import { MAX_TIMEOUT_S } from "../../src/config/schema.ts";
import { STRATEGY_NAMES } from "../../src/strategy/registry.ts";

/**
 * Strips the common indentation and the first newline, so line 1 is the first line
 * written. Cooked like any template: write `\${x}` for a literal ${x}, `\\d` for \d.
 */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings
    .reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "")
    .replace(/^\n/, "");
  const indent = Math.min(
    ...text
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => l.length - l.trimStart().length),
  );
  return text
    .split("\n")
    .map((l) => l.slice(indent))
    .join("\n");
}

/** The ConfigError that parsing `text` throws. */
function configError(text: string): ConfigError {
  try {
    parseConfig(text, "tune.yml");
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    assert.equal(err.file, "tune.yml");
    // Every line reads file:line:col: path: message, one per issue.
    const lines = err.message.split("\n");
    assert.equal(lines.length, err.issues.length);
    for (const [i, issue] of err.issues.entries()) {
      const where = issue.line > 0 ? `tune.yml:${issue.line}:${issue.col}` : "tune.yml";
      assert.equal(lines[i], `${where}: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`);
    }
    return err;
  }
  assert.fail("expected the config to be rejected");
}

/** The one issue in `text`, checked for position, path and (part of) its message. */
function expectIssue(text: string, want: { line: number; col: number; path: string; message: RegExp }): ConfigIssue {
  const { issues } = configError(text);
  assert.equal(issues.length, 1, `expected one issue, got:\n${issues.map((i) => JSON.stringify(i)).join("\n")}`);
  return checkIssue(issues[0]!, want);
}

function checkIssue(
  issue: ConfigIssue,
  want: { line: number; col: number; path: string; message: RegExp },
): ConfigIssue {
  assert.deepEqual(
    { line: issue.line, col: issue.col, path: issue.path },
    { line: want.line, col: want.col, path: want.path },
    `position or path of: ${issue.message}`,
  );
  assert.match(issue.message, want.message);
  return issue;
}

describe("config errors, each at file:line:col", () => {
  it("formats a message as tune.yml:LINE:COL: path: message", () => {
    const err = configError(yaml`
      name: demo
      command: [python, train.py]
      objective: {metric: loss, goal: minimize}
      parameters:
        lr: {type: float, min: 1, max: 0.5}
    `);
    assert.equal(err.message, "tune.yml:5:26: parameters.lr.min: min must be less than max (got min 1, max 0.5)");
    assert.equal(err.name, "ConfigError");
  });

  it("min >= max points at min", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective:
          metric: loss
          goal: minimize
        parameters:
          layers:
            type: int
            min: 4
            max: 4
      `,
      { line: 9, col: 10, path: "parameters.layers.min", message: /min must be less than max \(got min 4, max 4\)/ },
    );
  });

  it("log scale with min <= 0", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective:
          metric: loss
          goal: minimize
        parameters:
          lr:
            type: float
            min: 0
            max: 0.1
            scale: log
      `,
      { line: 9, col: 10, path: "parameters.lr.min", message: /log scale needs min > 0 \(got 0\)/ },
    );
  });

  it("a categorical parameter with no values", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective:
          metric: loss
          goal: minimize
        parameters:
          optimizer:
            type: categorical
            values: []
      `,
      { line: 9, col: 13, path: "parameters.optimizer.values", message: /needs at least one value/ },
    );
  });

  it("an unknown budget field suggests the right one", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective:
          metric: loss
          goal: minimize
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        budget:
          max_trials: 10
          paralel: 4
      `,
      { line: 10, col: 3, path: "budget.paralel", message: /^unknown field "paralel"; did you mean "parallel"\?$/ },
    );
  });

  it("a misspelt parameter field suggests the right one and lists the fields of that type", () => {
    const { issues } = configError(yaml`
      name: demo
      command: [python, train.py]
      objective:
        metric: loss
        goal: minimize
      parameters:
        lr:
          type: float
          mn: 0.001
          max: 0.1
    `);
    assert.equal(issues.length, 2);
    const unknown = issues.find((i) => i.path === "parameters.lr.mn");
    const missing = issues.find((i) => i.path === "parameters.lr.min");
    assert.ok(unknown && missing, JSON.stringify(issues));
    checkIssue(unknown, {
      line: 9,
      col: 5,
      path: "parameters.lr.mn",
      message: /unknown field "mn"; did you mean "min"\? \(a float parameter takes: type, min, max, scale/,
    });
    // A missing field points at the parameter that lacks it.
    checkIssue(missing, { line: 7, col: 3, path: "parameters.lr.min", message: /^is required \(number\)$/ });
  });

  it("a misspelt top-level field suggests the right one", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        stratgy: sobol
      `,
      { line: 6, col: 1, path: "stratgy", message: /^unknown field "stratgy"; did you mean "strategy"\?$/ },
    );
  });

  it("suggests only fields valid where the unknown one is written", () => {
    // `parallel` belongs under budget: at the top level it is not a typo of itself.
    const top = expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        parallel: 4
      `,
      { line: 6, col: 1, path: "parallel", message: /^unknown field "parallel" \(valid here: / },
    );
    assert.match(top.message, /\bbudget\b/);
    assert.doesNotMatch(top.message, /did you mean/);
    // A categorical parameter has no min; suggesting "min" back would be useless.
    const cat = expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          opt: {type: categorical, values: [sgd, adam], min: 1}
      `,
      {
        line: 5,
        col: 49,
        path: "parameters.opt.min",
        message: /^unknown field "min" \(a categorical parameter takes: type, values, default, when, description\)$/,
      },
    );
    assert.doesNotMatch(cat.message, /did you mean/);
  });

  it("a parameter defined twice", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
          layers: {type: int, min: 1, max: 4}
          lr: {type: float, min: 0.01, max: 1}
      `,
      { line: 7, col: 3, path: "parameters.lr", message: /^"lr" is defined twice \(names must be unique\)$/ },
    );
  });

  it("a when naming an unknown parameter points at the name and suggests one", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          optimizer: {type: categorical, values: [sgd, adam]}
          momentum:
            type: float
            min: 0
            max: 0.99
            when:
              optimiser: sgd
      `,
      {
        line: 11,
        col: 7,
        path: "parameters.momentum.when.optimiser",
        message: /when names unknown parameter "optimiser"; did you mean "optimizer"\?/,
      },
    );
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          optimizer: {type: categorical, values: [sgd, adam]}
          momentum: {type: float, min: 0, max: 0.99, when: {scheduler: cosine}}
      `,
      {
        line: 6,
        col: 53,
        path: "parameters.momentum.when.scheduler",
        message: /when names unknown parameter "scheduler"; known parameters: optimizer$/,
      },
    );
  });

  it("a when value the target never takes points at that value", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          optimizer: {type: categorical, values: [sgd, adam]}
          momentum:
            type: float
            min: 0
            max: 0.99
            when:
              optimizer: adamw
      `,
      {
        line: 11,
        col: 18,
        path: "parameters.momentum.when.optimizer",
        message: /"optimizer" never takes the value "adamw"; it takes "sgd", "adam"/,
      },
    );
    // In a list, the wrong element is the one to blame.
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          optimizer: {type: categorical, values: [sgd, adam]}
          beta: {type: float, min: 0, max: 1, when: {optimizer: [adam, rmsprop]}}
      `,
      {
        line: 6,
        col: 64,
        path: "parameters.beta.when.optimizer.1",
        message: /never takes the value "rmsprop"/,
      },
    );
  });

  it("a when on a non-categorical parameter", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
          warmup:
            type: int
            min: 0
            max: 10
            when:
              lr: 0.01
      `,
      {
        line: 11,
        col: 7,
        path: "parameters.warmup.when.lr",
        message: /when can only test a categorical or constant parameter; "lr" is float/,
      },
    );
  });

  it("a cycle of conditions, reported for each parameter on it", () => {
    const { issues } = configError(yaml`
      name: demo
      command: [python, train.py]
      objective: {metric: loss, goal: minimize}
      parameters:
        a:
          type: categorical
          values: [x, y]
          when:
            b: x
        b:
          type: categorical
          values: [x, y]
          when: {a: y}
    `);
    assert.equal(issues.length, 2);
    checkIssue(issues[0]!, {
      line: 8,
      col: 5,
      path: "parameters.a.when",
      message: /conditions form a cycle through "a"/,
    });
    checkIssue(issues[1]!, {
      line: 13,
      col: 5,
      path: "parameters.b.when",
      message: /conditions form a cycle through "b"/,
    });
  });

  it("grid search over a continuous float without points", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        strategy: grid
        parameters:
          layers: {type: int, min: 1, max: 4}
          dropout: {type: float, min: 0, max: 0.5, step: 0.1}
          lr:
            type: float
            min: 0.001
            max: 0.1
      `,
      {
        line: 8,
        col: 3,
        path: "parameters.lr",
        message: /grid search needs points for a continuous parameter: add `points: N`, `values: \[\.\.\.\]` or `step`/,
      },
    );
  });

  it("an invalid strategy lists the valid ones", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        strategy: annealing
      `,
      {
        line: 6,
        col: 11,
        path: "strategy",
        message: new RegExp(`^must be one of ${STRATEGY_NAMES.map((n) => `"${n}"`).join(", ")} \\(got "annealing"\\)$`),
      },
    );
  });

  it("missing required fields: name, command, objective", () => {
    const { issues } = configError(yaml`
      # a config with parameters only
      parameters:
        lr: {type: float, min: 0.001, max: 0.1}
    `);
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [
        ["name", "is required (string)"],
        ["command", "is required (array or string)"],
        ["objective", "is required (object or array)"],
      ],
    );
    // Nothing to point at but the document itself, which starts on line 2.
    for (const i of issues) assert.deepEqual([i.line, i.col], [2, 1]);
  });

  it("missing fields inside objective and a parameter's type", () => {
    const { issues } = configError(yaml`
      name: demo
      command: [python, train.py]
      objective:
        metric: loss
      parameters:
        lr:
          min: 0.001
          max: 0.1
    `);
    assert.equal(issues.length, 2);
    checkIssue(issues.find((i) => i.path === "objective.goal")!, {
      line: 3,
      col: 1,
      path: "objective.goal",
      message: /^is required/,
    });
    checkIssue(issues.find((i) => i.path === "parameters.lr.type")!, {
      line: 6,
      col: 3,
      path: "parameters.lr.type",
      message: /^is required: one of "float", "int", "categorical", "constant"$/,
    });
  });

  it("a ${name} in the command that is not a parameter", () => {
    const issue = expectIssue(
      yaml`
        name: demo
        command: python train.py --lr=\${lr} --batch=\${batch_size}
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
      `,
      {
        line: 2,
        col: 10,
        path: "command",
        message:
          /^\$\{batch_size\} names no parameter; the command can use \$\{lr\}, \$\{trial_id\}, \$\{output_dir\}, \$\{seed\}, \$\{fold\}, \$\{folds\}$/,
      },
    );
    assert.doesNotMatch(issue.message, /shell/);
  });

  it("${HOME} in the command says commands do not run through a shell", () => {
    expectIssue(
      yaml`
        name: demo
        command:
          - python
          - train.py
          - --cache=\${HOME}/.cache
          - --lr=\${lr}
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
      `,
      {
        line: 5,
        col: 5,
        path: "command.2",
        message:
          /^\$\{HOME\} names no parameter \(commands do not run through a shell, so environment variables are not expanded\)/,
      },
    );
  });

  it("a shell pipe in a string command", () => {
    expectIssue(
      yaml`
        name: demo
        command: python train.py --lr=\${lr} | tee train.log
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
      `,
      {
        line: 2,
        col: 10,
        path: "command",
        message: /the command contains the shell operator "\|", but commands do not run through a shell/,
      },
    );
  });

  it("an invalid regular expression in metrics.definitions", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        metrics:
          definitions:
            - name: loss
              regex: 'loss=([0-9.]+)'
            - name: acc
              regex: 'acc=(\\d+'
      `,
      { line: 11, col: 14, path: "metrics.definitions.1.regex", message: /^not a valid regular expression$/ },
    );
  });

  it("a YAML syntax error", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
      `,
      { line: 4, col: 1, path: "", message: /^Flow map .*end with a \}$/ },
    );
  });

  it("an unquoted ${name} inside a flow list gets a hint", () => {
    const { issues } = configError(yaml`
      name: demo
      command: [python, train.py, --lr=\${lr}]
      objective: {metric: loss, goal: minimize}
      parameters:
        lr: {type: float, min: 0.001, max: 0.1}
    `);
    assert.ok(issues.length >= 1);
    for (const i of issues) {
      assert.equal(i.line, 2);
      assert.match(i.message, /\(inside \[ \] or \{ \}, quote a string that contains \$\{\.\.\.\}\)$/);
    }
  });

  it("a document that is not a mapping", () => {
    for (const text of ["- name: demo\n- command: x\n", "just a string\n", ""])
      expectIssue(text, {
        line: 1,
        col: 1,
        path: "",
        message: /^the config must be a mapping of fields such as name, command, objective, parameters$/,
      });
  });

  it("a value of the wrong type", () => {
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        budget:
          max_trials: "ten"
      `,
      { line: 7, col: 15, path: "budget.max_trials", message: /expected number, received string \(got "ten"\)/ },
    );
    expectIssue(
      yaml`
        name: demo
        command: 42
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
      `,
      { line: 2, col: 10, path: "command", message: /^must be array or string \(got 42\)$/ },
    );
    expectIssue(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        timeout: 15 minutes
      `,
      {
        line: 6,
        col: 10,
        path: "timeout",
        message: /a duration is a number of seconds or a string like "90s", "15m", "2h"/,
      },
    );
  });

  it("reports every problem in a file at once", () => {
    const { issues } = configError(yaml`
      name: demo
      command: [python, train.py]
      stratgy: grid
      objective: {metric: loss, goal: minimize}
      parameters:
        lr: {type: float, min: 1, max: 0.1}
        width: {type: int, min: 0, max: 512, scale: log}
        opt: {type: categorical, values: [sgd, adam], when: {lr: 0.5}}
      budget:
        paralel: 4
    `);
    const got = issues.map((i) => `${i.line}:${i.col} ${i.path}`).sort();
    assert.deepEqual(got, [
      "10:3 budget.paralel",
      "3:1 stratgy",
      "6:26 parameters.lr.min",
      "7:27 parameters.width.min",
      "8:56 parameters.opt.when.lr",
    ]);
  });

  it("reports type errors in several places at once", () => {
    const { issues } = configError(yaml`
      name: demo
      command: [python, train.py]
      objective: {metric: loss, goal: best}
      parameters:
        lr: {type: float, min: low, max: 0.1}
      seed: -1
    `);
    assert.deepEqual(
      issues.map((i) => `${i.line}:${i.col} ${i.path}`),
      ["3:33 objective.goal", "5:26 parameters.lr.min", "6:7 seed"],
    );
  });
});

describe("valid configs", () => {
  const full = yaml`
    $schema: ../schema/tune.schema.json
    name: resnet-cifar
    description: tune the small resnet
    command: python "train model.py" --name 'run a' --lr=\${lr} --out \${output_dir}
    workdir: ml
    env: {CUDA_VISIBLE_DEVICES: 0, MODE: fast}
    timeout: "15m"
    objective:
      metric: val_acc
      goal: maximize
      target: 0.95
    metrics:
      record: [train_loss]
      file: out/metrics.json
      definitions:
        - name: train_loss
          regex: 'loss=([0-9.]+)'
          stream: stdout
      lines: false
    parameters:
      lr: {type: float, min: 0.0001, max: 0.1, scale: log, points: 4, default: 0.01}
      dropout: {type: float, min: 0, max: 0.5, step: 0.1}
      wd: {type: float, min: 0, max: 0.1, points: 5}
      layers: {type: int, min: 1, max: 8, values: [1, 2, 4, 8]}
      optimizer: {type: categorical, values: [sgd, adam, rmsprop], default: adam}
      momentum: {type: float, min: 0, max: 0.99, points: 3, when: {optimizer: sgd}}
      beta2: {type: float, min: 0.9, max: 0.999, values: [0.9, 0.99, 0.999], when: {optimizer: [adam, rmsprop]}}
      epochs: {type: constant, value: 10, description: fixed}
    strategy: grid
    seed: 7
    budget:
      max_trials: 50
      parallel: 4
      max_rounds: 10
      patience: 3
      max_failures: 5
      retries: 1
  `;

  it("parses a config that uses every feature", () => {
    const { config, dialect, file } = parseConfig(full, "tune.yml");
    assert.equal(dialect, "native");
    assert.equal(file, "tune.yml");
    assert.equal(config.name, "resnet-cifar");
    assert.equal(config.description, "tune the small resnet");
    assert.equal(config.workdir, "ml");
    assert.deepEqual(config.env, { CUDA_VISIBLE_DEVICES: 0, MODE: "fast" });
    assert.equal(config.timeout, 900);
    assert.deepEqual(config.objective, [{ metric: "val_acc", goal: "maximize", target: 0.95 }]);
    assert.deepEqual(config.metrics, {
      record: ["train_loss"],
      file: "out/metrics.json",
      definitions: [{ name: "train_loss", regex: "loss=([0-9.]+)", stream: "stdout" }],
      lines: false,
    });
    assert.deepEqual(config.parameters, {
      lr: { type: "float", min: 0.0001, max: 0.1, scale: "log", points: 4, default: 0.01 },
      dropout: { type: "float", min: 0, max: 0.5, scale: "linear", step: 0.1 },
      wd: { type: "float", min: 0, max: 0.1, scale: "linear", points: 5 },
      layers: { type: "int", min: 1, max: 8, scale: "linear", values: [1, 2, 4, 8] },
      optimizer: { type: "categorical", values: ["sgd", "adam", "rmsprop"], default: "adam" },
      momentum: { type: "float", min: 0, max: 0.99, scale: "linear", points: 3, when: { optimizer: "sgd" } },
      beta2: {
        type: "float",
        min: 0.9,
        max: 0.999,
        scale: "linear",
        values: [0.9, 0.99, 0.999],
        when: { optimizer: ["adam", "rmsprop"] },
      },
      epochs: { type: "constant", value: 10, description: "fixed" },
    });
    assert.equal(config.strategy, "grid");
    assert.equal(config.seed, 7);
    assert.deepEqual(config.budget, {
      max_trials: 50,
      parallel: 4,
      max_rounds: 10,
      patience: 3,
      max_failures: 5,
      retries: 1,
    });
  });

  it("splits a string command as a shell would, honouring quotes", () => {
    const { config } = parseConfig(full, "tune.yml");
    // The command is kept as written; the split is what the trial runner will run.
    assert.equal(config.command, `python "train model.py" --name 'run a' --lr=\${lr} --out \${output_dir}`);
    assert.deepEqual(splitCommand(config.command), [
      "python",
      "train model.py",
      "--name",
      "run a",
      "--lr=${lr}",
      "--out",
      "${output_dir}",
    ]);
  });

  it("fills in defaults", () => {
    const { config } = parseConfig(
      yaml`
        name: demo
        command: [python, train.py, --lr, "\${lr}"]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
      `,
      "tune.yml",
    );
    assert.equal(config.strategy, "random");
    assert.equal(config.seed, 0);
    assert.deepEqual(config.budget, { max_trials: 20, parallel: 1, retries: 0 });
    assert.deepEqual(config.metrics, { record: [], definitions: [], lines: true });
    assert.deepEqual(config.env, {});
    assert.equal(config.timeout, undefined);
    assert.deepEqual(config.command, ["python", "train.py", "--lr", "${lr}"]);
    assert.deepEqual(config.parameters.lr, { type: "float", min: 0.001, max: 0.1, scale: "linear" });
    // Partly given objects get the rest of their defaults.
    const partial = parseConfig(
      yaml`
        name: demo
        command: [python, train.py]
        objective: {metric: loss, goal: minimize}
        parameters:
          lr: {type: float, min: 0.001, max: 0.1}
        budget: {parallel: 8}
        metrics:
          definitions: [{name: acc, regex: 'acc=(\\S+)'}]
      `,
      "tune.yml",
    ).config;
    assert.deepEqual(partial.budget, { max_trials: 20, parallel: 8, retries: 0 });
    assert.deepEqual(partial.metrics, {
      record: [],
      definitions: [{ name: "acc", regex: "acc=(\\S+)", stream: "both" }],
      lines: true,
    });
  });

  it("reads durations in seconds", () => {
    const timeout = (t: string) =>
      parseConfig(
        `name: d\ncommand: [x]\nobjective: {metric: m, goal: minimize}\nparameters: {a: {type: int, min: 0, max: 1}}\ntimeout: ${t}\n`,
        "tune.yml",
      ).config.timeout;
    assert.equal(timeout('"15m"'), 900);
    assert.equal(timeout("90s"), 90);
    assert.equal(timeout("2h"), 7200);
    assert.equal(timeout("1.5m"), 90);
    assert.equal(timeout("500ms"), 0.5);
    assert.equal(timeout("30"), 30);
  });
});

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "matrix-tune-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a config file", () => {
    const file = join(dir, "tune.yml");
    writeFileSync(
      file,
      "name: demo\ncommand: [python, t.py]\nobjective: {metric: loss, goal: minimize}\nparameters:\n  lr: {type: float, min: 0.1, max: 1}\n",
    );
    const loaded = loadConfig(file);
    assert.equal(loaded.file, file);
    assert.equal(loaded.config.name, "demo");
    assert.deepEqual(loaded.config.parameters.lr, { type: "float", min: 0.1, max: 1, scale: "linear" });
  });

  it("names the file in its errors", () => {
    const file = join(dir, "bad.yml");
    writeFileSync(
      file,
      "name: demo\ncommand: [python, t.py]\nobjective: {metric: loss, goal: minimize}\nparameters:\n  lr: {type: float, min: 2, max: 1}\n",
    );
    assert.throws(
      () => loadConfig(file),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.file, file);
        assert.equal(err.message, `${file}:5:26: parameters.lr.min: min must be less than max (got min 2, max 1)`);
        return true;
      },
    );
  });

  it("a missing file is a ConfigError naming the file", () => {
    const file = join(dir, "nope", "tune.yml");
    assert.throws(
      () => loadConfig(file),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.file, file);
        assert.deepEqual(
          err.issues.map((i) => [i.line, i.col, i.path]),
          [[0, 0, ""]],
        );
        assert.ok(err.message.startsWith(`${file}: cannot read the config: `), err.message);
        assert.match(err.message, /ENOENT/);
        return true;
      },
    );
  });
});

describe("multi-fidelity settings", () => {
  const head = `name: mf
command: [node, train.mjs, "--lr=\${lr}", "--epochs=\${epochs}"]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 1, scale: log}
`;

  it("hyperband with a resource, a sampler, repeats and folds", () => {
    const { config } = parseConfig(
      `${head}strategy: hyperband\nsampler: tpe\nresource: {name: epochs, min: 1, max: 27}\nrepeats: 3\nfolds: 5\n`,
      "tune.yml",
    );
    assert.deepEqual(config.resource, { name: "epochs", min: 1, max: 27, eta: 3, type: "int" });
    assert.equal(config.sampler, "tpe");
    assert.equal(config.repeats * config.folds, 15);
  });

  it("early_stopping: median is short for the rule with its defaults", () => {
    const { config } = parseConfig(
      `${head}resource: {name: epochs, min: 1, max: 9}\nearly_stopping: median\n`,
      "tune.yml",
    );
    assert.deepEqual(config.early_stopping, { rule: "median", min_steps: 1, min_trials: 5 });
  });

  it("hyperband without a resource says how to add one", () => {
    expectIssue(`${head.replace("--epochs=${epochs}", "--x")}strategy: hyperband\n`, {
      line: 6,
      col: 11,
      path: "strategy",
      message: /hyperband needs a resource to spend in rungs: add `resource: \{name: epochs/,
    });
  });

  it("a resource that is also a parameter", () => {
    expectIssue(`${head}  epochs: {type: int, min: 1, max: 9}\nresource: {name: epochs, min: 1, max: 9}\n`, {
      line: 7,
      col: 18,
      path: "resource.name",
      message: /"epochs" is also a parameter/,
    });
  });

  it("resource min not below max, and a fractional int resource", () => {
    const { issues } = configError(`${head}resource: {name: epochs, min: 9, max: 9}\n`);
    assert.match(issues[0]!.message, /min must be less than max \(got min 9, max 9\)/);
    expectIssue(`${head}resource: {name: epochs, min: 0.5, max: 9}\n`, {
      line: 6,
      col: 11,
      path: "resource.type",
      message: /an int resource needs whole-number min and max \(or type: float\)/,
    });
  });

  it("a sampler without hyperband, and early stopping with hyperband", () => {
    expectIssue(`${head}resource: {name: epochs, min: 1, max: 9}\nsampler: bayes\n`, {
      line: 7,
      col: 10,
      path: "sampler",
      message: /sampler chooses hyperband's configurations; with strategy random leave it out/,
    });
    expectIssue(`${head}strategy: hyperband\nresource: {name: epochs, min: 1, max: 9}\nearly_stopping: median\n`, {
      line: 8,
      col: 17,
      path: "early_stopping",
      message: /hyperband already stops poor configurations/,
    });
  });

  it("the resource is a template name the command may use, and nothing else is", () => {
    const { issues } = configError(head);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /\$\{epochs\} names no parameter/);
  });

  it("repeats and folds are bounded", () => {
    expectIssue(`${head}resource: {name: epochs, min: 1, max: 9}\nrepeats: 0\n`, {
      line: 7,
      col: 10,
      path: "repeats",
      message: />=1|at least 1|too small/i,
    });
  });
});

describe("hostile YAML", () => {
  it("an alias bomb is refused with a located message, not a stack trace", () => {
    const levels = ["b: &b [x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 6; i++) {
      const prev = levels.length === 1 ? "b" : `l${i - 1}`;
      levels.push(`l${i}: &l${i} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const text = `name: t\ncommand: [x]\n${levels.join("\n")}\n`;
    assert.throws(
      () => parseConfig(text, "bomb.yml"),
      (err: unknown) =>
        err instanceof ConfigError &&
        /^bomb\.yml:1:1: the YAML cannot be expanded \(.*\): write the values out/.test(err.message),
    );
  });

  it("NaN and infinite bounds are named as written, not as null", () => {
    const err = configError(
      "name: t\ncommand: [x]\nobjective: {metric: m, goal: minimize}\nparameters:\n  lr: {type: float, min: .nan, max: .inf}\n",
    );
    assert.match(err.message, /parameters\.lr\.min: must be a finite number \(got NaN\)/);
    assert.doesNotMatch(err.message, /got null/);
  });

  it("a ${ with no closing } is refused at its argument", () => {
    const err = configError(
      'name: t\ncommand: [train, "--lr=${lr"]\nobjective: {metric: m, goal: minimize}\nparameters:\n  lr: {type: float, min: 0, max: 1}\n',
    );
    assert.match(err.message, /^tune\.yml:2:\d+: command\.1: "--lr=\$\{lr" has a \$\{ with no closing \}/m);
  });
});

describe("env", () => {
  const head = `name: e
command: [node, train.mjs]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 1}
`;

  it("holds literals and variables passed on by name", () => {
    const { config } = parseConfig(
      `${head}env: {OMP_NUM_THREADS: 1, WANDB_MODE: offline, WANDB_API_KEY: {from: WANDB_API_KEY}, HF: {from: HF_TOKEN}}\n`,
      "tune.yml",
    );
    assert.deepEqual(config.env, {
      OMP_NUM_THREADS: 1,
      WANDB_MODE: "offline",
      WANDB_API_KEY: { from: "WANDB_API_KEY" },
      HF: { from: "HF_TOKEN" },
    });
  });

  it("refuses to pass on the step's inputs, the runner's credentials, the token and file commands", () => {
    for (const name of [
      "INPUT_TOKEN",
      "ACTIONS_RUNTIME_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      "GITHUB_TOKEN",
      "GITHUB_ENV",
      "GITHUB_OUTPUT",
      "NODE_OPTIONS",
    ])
      expectIssue(`${head}env:\n  X: {from: ${name}}\n`, {
        line: 7,
        col: 13,
        path: "env.X.from",
        message: new RegExp(`^${name} may not be passed to trials: trials can run a pull request's untrusted code`),
      });
  });

  it("a `from` that is not a variable name, or an object of another shape", () => {
    expectIssue(`${head}env:\n  X: {from: "A B"}\n`, {
      line: 7,
      col: 13,
      path: "env.X.from",
      message: /an environment variable name is letters, digits and underscores/,
    });
    const { issues } = configError(`${head}env:\n  X: {form: A}\n`);
    assert.equal(issues[0]!.path.startsWith("env.X"), true, JSON.stringify(issues));
  });
});

describe("config: limits that protect the machine and the run", () => {
  const head = yaml`
    name: demo
    command: [python, train.py, "\${output_dir}"]
    objective: {metric: loss, goal: minimize}
    parameters:
      lr: {type: float, min: 0.001, max: 0.1}
  `;

  it("refuses a metrics.file that is absolute or leads out of the trial's output directory", () => {
    for (const file of ["../../../../precious.txt", "/tmp/metrics.json", "a/../../m.json", "..", ".", "C:\\\\m.json"])
      expectIssue(`${head}metrics: {file: "${file}"}\n`, {
        line: 6,
        col: 17,
        path: "metrics.file",
        message: /relative path inside the trial's output directory/,
      });
    for (const file of ["m.json", "sub/m.json", "sub/../m.json", "./out/m.json"])
      assert.equal(parseConfig(`${head}metrics: {file: "${file}"}\n`, "tune.yml").config.metrics.file, file);
  });

  it("refuses a timeout longer than Node's timers hold, or of zero, at its line", () => {
    assert.equal(MAX_TIMEOUT_S, 2_147_483);
    expectIssue(`${head}timeout: 597h\n`, { line: 6, col: 10, path: "timeout", message: /at most 2147483 seconds/ });
    expectIssue(`${head}timeout: 2147484\n`, { line: 6, col: 10, path: "timeout", message: /at most 2147483/ });
    for (const t of ["0s", "0", "0ms"])
      expectIssue(`${head}timeout: ${t}\n`, { line: 6, col: 10, path: "timeout", message: /longer than 0/ });
    assert.equal(parseConfig(`${head}timeout: 596h\n`, "tune.yml").config.timeout, 596 * 3600);
  });

  it("refuses parameters named like the command's built-in names", () => {
    for (const name of ["seed", "trial_id", "output_dir", "fold", "folds"])
      expectIssue(
        yaml`
          name: demo
          command: [python, train.py, "\${output_dir}"]
          objective: {metric: loss, goal: minimize}
          parameters:
            ${name}: {type: int, min: 0, max: 9}
        `,
        {
          line: 5,
          col: 3,
          path: `parameters.${name}`,
          message: /reserves \(\$\{trial_id\}, \$\{output_dir\}, \$\{seed\}, \$\{fold\}, \$\{folds\}\); rename it/,
        },
      );
  });

  it("refuses cost and runner-time settings that cannot hold, each at its line", () => {
    const head = yaml`
      name: demo
      command: [python, train.py]
      objective: {metric: loss, goal: minimize}
      parameters: {lr: {type: float, min: 0.001, max: 0.1}}
      runs_on: [self-hosted, gpu]
    `;
    expectIssue(`${head}cost: {per_minute: {gpu: 0.07, cpu: 0.01}}\n`, {
      line: 6,
      col: 32,
      path: "cost.per_minute.cpu",
      message: /^"cpu" is not a label of runs_on \(self-hosted, gpu\): price one of those labels$/,
    });
    expectIssue(`${head}cost: {per_minute: {gpu: -1}}\n`, {
      line: 6,
      col: 26,
      path: "cost.per_minute.gpu",
      message: /price cannot be negative/,
    });
    expectIssue(`${head}budget: {max_runner_minutes: 0}\n`, {
      line: 6,
      col: 30,
      path: "budget.max_runner_minutes",
      message: /more than 0 minutes/,
    });
    expectIssue(`${head}budget: {max_duration: 12 hours}\n`, {
      line: 6,
      col: 24,
      path: "budget.max_duration",
      message: /a string like "90s", "15m", "2h"/,
    });
    const { config } = parseConfig(
      `${head}budget: {max_runner_minutes: 90, max_duration: 720h}\ncost: {per_minute: {gpu: 0.07}}\n`,
      "tune.yml",
    );
    assert.deepEqual(
      [config.budget.max_runner_minutes, config.budget.max_duration, config.cost],
      [90, 720 * 3600, { per_minute: { gpu: 0.07 }, currency: "USD" }],
    );
  });
});

describe("several objectives, constraints and select", () => {
  const head = yaml`
    name: demo
    command: [python, train.py]
    parameters:
      lr: {type: float, min: 0.001, max: 0.1}
  `;

  it("parses a list of objectives, constraints and a select rule", () => {
    const config = parseConfig(
      `${head}objective:
  - {metric: val_accuracy, goal: maximize}
  - {metric: latency_ms, goal: minimize}
constraints:
  - {metric: latency_ms, max: 20}
  - {metric: gpu_gb, min: 1, max: 4}
select: {metric: val_accuracy, subject_to: [{metric: latency_ms, max: 15}]}
`,
      "tune.yml",
    ).config;
    assert.deepEqual(
      config.objective.map((o) => o.metric),
      ["val_accuracy", "latency_ms"],
    );
    assert.deepEqual(config.constraints, [
      { metric: "latency_ms", max: 20 },
      { metric: "gpu_gb", min: 1, max: 4 },
    ]);
    assert.deepEqual(config.select, { metric: "val_accuracy", subject_to: [{ metric: "latency_ms", max: 15 }] });
  });

  it("points at the field of a list's objective that is wrong", () => {
    expectIssue(
      `${head}objective:
  - {metric: val_accuracy, goal: maximize}
  - {metric: latency_ms, goal: lower}
`,
      { line: 7, col: 32, path: "objective.1.goal", message: /one of "minimize", "maximize"/ },
    );
    expectIssue(`${head}objective: []\n`, {
      line: 5,
      col: 12,
      path: "objective",
      message: /a list needs at least one objective/,
    });
  });

  it("refuses a metric twice, and more than four objectives", () => {
    expectIssue(
      `${head}objective:
  - {metric: loss, goal: minimize}
  - {metric: loss, goal: maximize}
`,
      { line: 5, col: 1, path: "objective", message: /each metric may be an objective only once/ },
    );
    const five = ["a", "b", "c", "d", "e"].map((m) => `  - {metric: ${m}, goal: minimize}`).join("\n");
    expectIssue(`${head}objective:\n${five}\n`, {
      line: 5,
      col: 1,
      path: "objective",
      message: /at most 4 objectives/,
    });
  });

  it("needs a limit in every constraint, with min not above max", () => {
    const one = `${head}objective: {metric: loss, goal: minimize}\nconstraints:\n`;
    expectIssue(`${one}  - {metric: latency_ms}\n`, {
      line: 7,
      col: 5,
      path: "constraints.0",
      message: /a constraint needs min:, max: or both/,
    });
    expectIssue(`${one}  - {metric: gpu_gb, min: 4, max: 1}\n`, {
      line: 7,
      col: 5,
      path: "constraints.0",
      message: /min must not be more than max/,
    });
    expectIssue(`${one}  - {metric: gpu_gb, max: 4, mx: 1}\n`, {
      line: 7,
      col: 30,
      path: "constraints.0.mx",
      message: /unknown field "mx"; did you mean "max"\?/,
    });
  });

  it("lets select name only an objective of a list, and only recorded metrics in subject_to", () => {
    const two = `${head}objective:\n  - {metric: acc, goal: maximize}\n  - {metric: ms, goal: minimize}\n`;
    expectIssue(`${two}select: {metric: loss}\n`, {
      line: 8,
      col: 18,
      path: "select.metric",
      message: /"loss" is not an objective; select one of acc, ms/,
    });
    expectIssue(`${two}select: {metric: acc, subject_to: [{metric: gpu_gb, max: 4}]}\n`, {
      line: 8,
      col: 45,
      path: "select.subject_to.0.metric",
      message: /"gpu_gb" is not recorded/,
    });
    expectIssue(`${head}objective: {metric: loss, goal: minimize}\nselect: {metric: loss}\n`, {
      line: 6,
      col: 1,
      path: "select",
      message: /needs a list of at least two objectives/,
    });
  });

  it("refuses median early stopping with several objectives", () => {
    expectIssue(
      `${head}objective:\n  - {metric: acc, goal: maximize}\n  - {metric: ms, goal: minimize}\nearly_stopping: {rule: median}\n`,
      { line: 8, col: 1, path: "early_stopping", message: /with several objectives no such order exists/ },
    );
  });
});
