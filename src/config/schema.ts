/**
 * The tuning config (`tune.yml`): one zod schema that validates input, infers the
 * types used everywhere else, and is exported as JSON Schema for editors.
 * Checks that span several fields live here too (in superRefine), so that every
 * error carries the path of the field to blame and the loader can turn it into
 * file:line:column.
 */
import { z } from "zod";
import { constraintSchema, metricName, objectivesSchema } from "../protocol/objective.ts";
import { parameterSchema, paramName, scalar } from "../space/parameter-schema.ts";
import { defaultsOf, parametersInOrder } from "../space/parameters.ts";
import { resourceSchema } from "../space/resource.ts";
import { SAMPLER_NAMES } from "../strategy/hyperband/samplers.ts";
import { earlyStoppingSchema } from "../strategy/prune.ts";
import { STRATEGY_NAMES, strategyFor } from "../strategy/registry.ts";
import { BUILTIN_NAMES, hasUnclosedTemplate, splitCommand, templateNames } from "./command.ts";
import { forbiddenEnvReason } from "./env.ts";
import { didYouMean } from "./errors.ts";

/** The longest timeout, in seconds: Node's timers hold at most 2^31-1 ms (about 24.8 days). */
export const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

const seconds = z
  .number()
  .positive("a duration must be longer than 0")
  .max(MAX_TIMEOUT_S, `at most ${MAX_TIMEOUT_S} seconds (about 24.8 days, the longest timer Node has)`);

/** Seconds, from a number or a string like "90s"; checked again once the units are applied, so "0s" is refused as 0 is. */
function durationIn(limit: z.ZodNumber) {
  return z
    .union([
      limit,
      z
        .string()
        .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration is a number of seconds or a string like "90s", "15m", "2h"'),
    ])
    .transform((v) => {
      if (typeof v === "number") return v;
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v)!;
      const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
      return Number(m[1]) * unit;
    })
    .pipe(limit);
}
const duration = durationIn(seconds);

/** `{from: NAME}`: pass one of our variables on by name; credentials and GitHub's file commands never. */
const envFrom = z.strictObject({
  from: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name is letters, digits and underscores")
    .superRefine((name, ctx) => {
      const reason = forbiddenEnvReason(name);
      if (reason) ctx.addIssue({ code: "custom", message: reason });
    })
    .describe("the variable of matrix-tune's environment whose value the trial gets under this name"),
});

const metricDefinition = z.strictObject({
  name: metricName,
  regex: z
    .string()
    .min(1)
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, "not a valid regular expression")
    .describe("the first capture group is the value; the last match in the output wins"),
  stream: z.enum(["stdout", "stderr", "both"]).default("both"),
});

/**
 * A device as CUDA_VISIBLE_DEVICES names it: an index, or a UUID such as
 * GPU-8f3c… or MIG-…. No comma or space, which would make one slot several GPUs.
 */
const deviceId = z
  .union([
    z.int().min(0),
    z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_:.-]*$/,
        "a device is an index (0, 1, …) or a UUID such as GPU-8f3c…, with no comma or space",
      ),
  ])
  .transform(String);

/** `devices:` in a config, and `matrix-tune run --devices`. */
export const devicesSchema = z
  .array(deviceId)
  .min(1)
  .max(256)
  .refine((ids) => new Set(ids).size === ids.length, "each device may be listed only once");

/** Where a study's first round starts from: `base`, `off`, a run id, or those with how many configurations to re-run. */
const warmStartFrom = z.union([
  z.enum(["base", "off"]),
  z.int().positive().describe("a workflow run id whose matrix-tune-state artifact holds the study to start from"),
]);
const DEFAULT_RERUN = 2;
const warmStartSetting = z
  .union([
    warmStartFrom,
    z.strictObject({
      from: warmStartFrom.default("base"),
      rerun: z
        .int()
        .min(0)
        .max(256)
        .default(DEFAULT_RERUN)
        .describe("how many of the other study's best configurations the first round runs again"),
    }),
  ])
  .transform((v) => (typeof v === "object" ? v : { from: v, rerun: DEFAULT_RERUN }))
  .default({ from: "base", rerun: DEFAULT_RERUN })
  .describe(
    "start from a related study's results: base (on a pull request, the base branch's latest study), a workflow run id, or off; {from, rerun} also sets how many of its best configurations round 1 re-runs (default 2)",
  );

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a study name is letters, digits, '.', '_' and '-'")
      .describe("the study's name; also names its state directory"),
    description: z.string().optional(),
    command: z
      .union([z.array(z.string()).min(1), z.string().min(1)])
      .describe(
        "argv list, or a string split as a shell would split it (it never runs through a shell); ${name} is replaced by a parameter's value",
      ),
    workdir: z.string().optional().describe("working directory of trials, relative to this file"),
    env: z
      .record(z.string(), z.union([scalar, envFrom]))
      .default({})
      .describe(
        "variables added to each trial's environment: a value, or {from: NAME} to pass on one of matrix-tune's own (trials otherwise get only ordinary runtime variables)",
      ),
    timeout: duration.optional().describe("per-trial limit; the whole process group is killed"),
    objective: objectivesSchema,
    constraints: z
      .array(constraintSchema)
      .default([])
      .describe(
        "hard limits on recorded metrics ({metric: latency_ms, max: 20}); a trial outside them is a result but never the best",
      ),
    select: z
      .strictObject({
        metric: metricName.describe("one of the objectives: the front's trial best in it is chosen"),
        subject_to: z
          .array(constraintSchema)
          .default([])
          .describe("limits the chosen trial must meet, beyond the constraints ({metric: latency_ms, max: 20})"),
      })
      .optional()
      .describe(
        "with several objectives: which trial of the Pareto front is the result (default: the one nearest the ideal point, each objective scaled over the front)",
      ),
    metrics: z
      .strictObject({
        record: z.array(metricName).default([]).describe("other metrics to keep besides the objective"),
        file: z
          .string()
          .refine(
            insideOutputDir,
            "must be a relative path inside the trial's output directory (no absolute path, no `..` leading out of it)",
          )
          .optional()
          .describe(
            "JSON file the trial writes, relative to the trial's output directory (default metrics.json, also given as TUNE_METRICS_FILE)",
          ),
        definitions: z
          .array(metricDefinition)
          .default([])
          .describe("regular expressions over stdout/stderr, like SageMaker's metric definitions"),
        lines: z
          .boolean()
          .default(true)
          .describe("read `name=value` and JSON-object lines from stdout as intermediate values"),
      })
      .default({ record: [], definitions: [], lines: true }),
    parameters: z
      .record(paramName, parameterSchema)
      .refine((p) => Object.keys(p).length > 0, "at least one parameter is needed"),
    strategy: z.enum(STRATEGY_NAMES).default("random").describe(strategiesDescribed()),
    sampler: z
      .enum(SAMPLER_NAMES)
      .default("random")
      .describe("hyperband: how new configurations are chosen (bayes or tpe model the results so far, as BOHB does)"),
    resource: resourceSchema.optional(),
    early_stopping: earlyStoppingSchema.optional(),
    repeats: z
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe("run each configuration this many times with TUNE_SEED 0..N-1; its value is the mean"),
    folds: z
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe("cross-validation: run each configuration once per fold with TUNE_FOLD 0..K-1; its value is the mean"),
    baseline: z
      .boolean()
      .default(false)
      .describe("run the parameters' defaults as the first trial, so the report shows what tuning gained over them"),
    seed: z.int().min(0).default(0),
    compare: z
      .enum(["base", "off"])
      .default("base")
      .describe("on a pull request, compare the best trial with the base branch's latest study (off: no comparison)"),
    warm_start: warmStartSetting,
    runs_on: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .default("ubuntu-latest")
      .describe("GitHub Actions: the runner labels trial jobs run on, e.g. [self-hosted, gpu]"),
    trials_per_job: z
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe(
        "GitHub Actions only (`matrix-tune run` ignores it): run up to this many of a round's trials one after another in one matrix job, after one setup (checkout, dependencies); a run that continues a checkpoint or runs on another commit gets a job of its own",
      ),
    devices: devicesSchema
      .optional()
      .describe(
        "local runner only (`matrix-tune run`): the GPUs trials share, one per running trial process as CUDA_VISIBLE_DEVICES and TUNE_DEVICE; at most this many processes run at once",
      ),
    bot: z
      .strictObject({
        permission: z
          .enum(["triage", "write", "maintain", "admin"])
          .default("write")
          .describe("the least repository permission a commenter needs for /tune"),
        allow_forks: z
          .boolean()
          .default(false)
          .describe("run /tune on pull requests from forks (their code then runs on your runners)"),
        workflow: z.string().default("tune.yml").describe("the workflow file that /tune dispatches"),
      })
      .default({ permission: "write", allow_forks: false, workflow: "tune.yml" }),
    budget: z
      .strictObject({
        max_trials: z.int().min(1).default(20),
        parallel: z
          .int()
          .min(1)
          .max(256)
          .default(1)
          .describe("trials per round (one matrix, or parallel processes locally)"),
        max_rounds: z.int().min(1).optional(),
        patience: z.int().min(1).optional().describe("stop after this many rounds without improvement"),
        max_failures: z
          .int()
          .min(0)
          .optional()
          .describe("stop once more trials than this have failed (default: half of max_trials)"),
        retries: z.int().min(0).default(0).describe("extra attempts for a failed trial"),
        max_runner_minutes: z
          .number()
          .positive("a runner-time budget must be more than 0 minutes")
          .optional()
          .describe(
            "stop once the trials' runner time (setup and checkout included, not only the training process) reaches this many minutes; a round that would cross it runs fewer trials",
          ),
        max_duration: durationIn(z.number().positive("a duration must be longer than 0"))
          .optional()
          .describe(
            'stop starting rounds once this long has passed since the study started (wall clock): seconds or "90m", "12h"',
          ),
      })
      .default({ max_trials: 20, parallel: 1, retries: 0 }),
    cost: z
      .strictObject({
        per_minute: z
          .record(z.string().min(1), z.number().min(0, "a price cannot be negative"))
          .describe(
            "price of a runner-minute by runner label of runs_on, e.g. {gpu: 0.07}; a job costs its dearest label's price",
          ),
        currency: z.string().min(1).default("USD").describe("what the prices are in, as reports show it"),
      })
      .optional()
      .describe("show what the study's runner time costs in the reports"),
  })
  .superRefine(checkCrossFields);

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

function checkCrossFields(cfg: z.output<typeof configSchema>, ctx: z.RefinementCtx): void {
  // onKey: the problem is the name itself (such as `when: {opt: ...}` naming no parameter), so point at the key.
  const issue = (path: (string | number)[], message: string, onKey = false) =>
    ctx.addIssue({ code: "custom", path, message, ...(onKey ? { params: { onKey } } : {}) });
  const params = cfg.parameters;
  for (const [name, p] of Object.entries(params)) {
    const at = ["parameters", name];
    if (p.type === "float" || p.type === "int") {
      if (!(p.min < p.max)) issue([...at, "min"], `min must be less than max (got min ${p.min}, max ${p.max})`);
      if (p.scale === "log" && p.min <= 0)
        issue([...at, "min"], `log scale needs min > 0 (got ${p.min}); use scale: linear or a positive min`);
      if (p.step !== undefined && p.scale === "log")
        issue([...at, "step"], "step works on a linear scale only; drop step or use scale: linear");
      if (p.step !== undefined && p.step > p.max - p.min)
        issue([...at, "step"], `step ${p.step} is larger than the range ${p.max - p.min}`);
      for (const [i, v] of (p.values ?? []).entries())
        if (v < p.min || v > p.max) issue([...at, "values", i], `value ${v} is outside [${p.min}, ${p.max}]`);
      if (p.default !== undefined && (p.default < p.min || p.default > p.max))
        issue([...at, "default"], `default ${p.default} is outside [${p.min}, ${p.max}]`);
      if (cfg.strategy === "grid" && p.type === "float" && !p.values && !p.points && p.step === undefined)
        issue(at, "grid search needs points for a continuous parameter: add `points: N`, `values: [...]` or `step`");
    }
    if (p.type === "categorical") {
      const seen = new Set<string>();
      for (const [i, v] of p.values.entries()) {
        const key = JSON.stringify(v);
        if (seen.has(key)) issue([...at, "values", i], `value ${key} is listed twice`);
        seen.add(key);
      }
      if (p.default !== undefined && !seen.has(JSON.stringify(p.default)))
        issue([...at, "default"], `default ${JSON.stringify(p.default)} is not one of the values`);
    }
    for (const [dep, expected] of Object.entries(p.when ?? {})) {
      const target = params[dep];
      if (!target) {
        const known = Object.keys(params).filter((n) => n !== name);
        const suggestion = didYouMean(dep, known);
        const hint = suggestion
          ? `did you mean "${suggestion}"?`
          : known.length
            ? `known parameters: ${known.join(", ")}`
            : "there are no other parameters";
        issue([...at, "when", dep], `when names unknown parameter "${dep}"; ${hint}`, true);
        continue;
      }
      if (dep === name) issue([...at, "when", dep], "a parameter cannot depend on itself", true);
      if (target.type !== "categorical" && target.type !== "constant")
        issue(
          [...at, "when", dep],
          `when can only test a categorical or constant parameter; "${dep}" is ${target.type}`,
          true,
        );
      else {
        const allowed = target.type === "categorical" ? target.values : [target.value];
        const listed = Array.isArray(expected) ? expected.map((v, i) => [v, [i]] as const) : [[expected, []] as const];
        for (const [v, index] of listed)
          if (!allowed.some((a) => a === v))
            issue(
              [...at, "when", dep, ...index],
              `"${dep}" never takes the value ${JSON.stringify(v)}; it takes ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
            );
      }
    }
  }
  const deps = (n: string) => Object.keys(params[n]?.when ?? {});
  for (const name of Object.keys(params)) {
    const seen = new Set<string>([name]);
    const stack = deps(name);
    while (stack.length) {
      const d = stack.pop()!;
      if (d === name) {
        issue(["parameters", name, "when"], `conditions form a cycle through "${name}"`, true);
        break;
      }
      if (seen.has(d)) continue;
      seen.add(d);
      stack.push(...deps(d));
    }
  }
  checkCommand(cfg, issue);
  checkMultiFidelity(cfg, issue);
  const labels = Array.isArray(cfg.runs_on) ? cfg.runs_on : [cfg.runs_on];
  for (const label of Object.keys(cfg.cost?.per_minute ?? {}))
    if (!labels.includes(label))
      issue(
        ["cost", "per_minute", label],
        `"${label}" is not a label of runs_on (${labels.join(", ")}): price one of those labels`,
        true,
      );
  if (cfg.baseline) {
    const defaults = defaultsOf(parametersInOrder(params));
    if (!defaults.ok)
      issue(
        ["baseline"],
        `the baseline runs every parameter's default, but ${defaults.missing.join(", ")} ${defaults.missing.length > 1 ? "have" : "has"} none: add \`default:\` to ${defaults.missing.length > 1 ? "them" : "it"}`,
      );
  }
  for (const name of [...Object.keys(params), ...(cfg.resource ? [cfg.resource.name] : [])])
    if ((BUILTIN_NAMES as readonly string[]).includes(name))
      issue(
        name in params ? ["parameters", name] : ["resource", "name"],
        `"${name}" is a name the command template reserves (${BUILTIN_NAMES.map((n) => `\${${n}}`).join(", ")}); rename it`,
        name in params,
      );
  const envNames = new Map<string, string>();
  for (const name of new Set([...Object.keys(params), ...(cfg.resource ? [cfg.resource.name] : [])])) {
    const env = paramEnvName(name);
    const other = envNames.get(env);
    if (other) issue(["parameters", name], `"${name}" and "${other}" would share the environment variable ${env}`);
    envNames.set(env, name);
  }
  checkObjectives(cfg, issue);
}

/** Several objectives and constraints: what each may name, and what works with more than one objective. */
function checkObjectives(
  cfg: z.output<typeof configSchema>,
  issue: (path: (string | number)[], message: string, onKey?: boolean) => void,
): void {
  const metrics = cfg.objective.map((o) => o.metric);
  const recorded = new Set([...metrics, ...cfg.constraints.map((c) => c.metric), ...cfg.metrics.record]);
  for (const m of metrics)
    if (cfg.metrics.record.includes(m)) issue(["metrics", "record"], `"${m}" is an objective; it is always recorded`);
  const many = cfg.objective.length > 1;
  if (cfg.select) {
    if (!many)
      issue(["select"], "select chooses among a Pareto front: it needs a list of at least two objectives", true);
    else if (!metrics.includes(cfg.select.metric))
      issue(["select", "metric"], `"${cfg.select.metric}" is not an objective; select one of ${metrics.join(", ")}`);
    cfg.select.subject_to.forEach((c, i) => {
      if (!recorded.has(c.metric))
        issue(
          ["select", "subject_to", i, "metric"],
          `"${c.metric}" is not recorded: name an objective or a constraint, or add it to metrics.record`,
        );
    });
  }
  if (many && cfg.early_stopping)
    issue(
      ["early_stopping"],
      "early stopping compares one metric with the median of earlier trials; with several objectives no such order exists, so leave it out (strategy hyperband stops poor trials by Pareto rank)",
      true,
    );
}

/** `grid: every point of the grid, in order; random: …`, for editors. */
function strategiesDescribed(): string {
  return STRATEGY_NAMES.map((n) => `${n}: ${strategyFor(n).summary}`).join("; ");
}

function checkMultiFidelity(
  cfg: z.output<typeof configSchema>,
  issue: (path: (string | number)[], message: string, onKey?: boolean) => void,
): void {
  const r = cfg.resource;
  if (r) {
    if (r.name in cfg.parameters)
      issue(
        ["resource", "name"],
        `"${r.name}" is also a parameter: the resource is set by the strategy, so remove it from parameters`,
      );
    if (!(r.min < r.max)) issue(["resource", "min"], `min must be less than max (got min ${r.min}, max ${r.max})`);
    if (r.type === "int" && (!Number.isInteger(r.min) || !Number.isInteger(r.max)))
      issue(["resource", "type"], "an int resource needs whole-number min and max (or type: float)");
  }
  const strategy = strategyFor(cfg.strategy);
  if (strategy.needsResource && !r)
    issue(
      ["strategy"],
      `${cfg.strategy} needs a resource ${strategy.needsResource}: add \`resource: {name: epochs, min: 1, max: 27, eta: 3}\` and pass \${epochs} to the command`,
    );
  if (cfg.sampler !== "random" && !strategy.usesSampler) {
    const users = STRATEGY_NAMES.filter((n) => strategyFor(n).usesSampler).join(" or ");
    issue(["sampler"], `sampler chooses ${users}'s configurations; with strategy ${cfg.strategy} leave it out`);
  }
  if (cfg.early_stopping && strategy.stopsTrials)
    issue(
      ["early_stopping"],
      `${cfg.strategy} already stops poor configurations ${strategy.stopsTrials}; use early_stopping with another strategy`,
    );
  if (cfg.early_stopping && !cfg.metrics.lines)
    issue(["early_stopping"], "early stopping reads intermediate values from output lines: set metrics.lines to true");
}

/**
 * A relative path that stays inside the directory it is relative to, judged on
 * the text alone (both separators, so a config means the same on every system).
 */
function insideOutputDir(path: string): boolean {
  if (/^([/\\]|[A-Za-z]:)/.test(path)) return false;
  let depth = 0;
  for (const part of path.split(/[/\\]/)) {
    if (part === "..") depth--;
    else if (part !== "" && part !== ".") depth++;
    if (depth < 0) return false;
  }
  return depth > 0;
}

/** The environment variable that carries a parameter's value to the trial. */
export function paramEnvName(name: string): string {
  return `TUNE_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

function checkCommand(
  cfg: z.output<typeof configSchema>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  let argv: string[];
  try {
    argv = splitCommand(cfg.command);
  } catch (err) {
    issue(["command"], (err as Error).message);
    return;
  }
  argv.forEach((arg, i) => {
    if (hasUnclosedTemplate(arg))
      issue(
        Array.isArray(cfg.command) ? ["command", i] : ["command"],
        `${JSON.stringify(arg)} has a \${ with no closing }: write \${name} to fill in a parameter`,
      );
  });
  const known = new Set<string>([
    ...Object.keys(cfg.parameters),
    ...(cfg.resource ? [cfg.resource.name] : []),
    ...BUILTIN_NAMES,
  ]);
  for (const name of templateNames(argv)) {
    if (known.has(name)) continue;
    const env = /^[A-Z_][A-Z0-9_]*$/.test(name)
      ? " (commands do not run through a shell, so environment variables are not expanded)"
      : "";
    // In a list, blame the element that uses the name.
    const index = Array.isArray(cfg.command) ? cfg.command.findIndex((a) => a.includes(`\${${name}}`)) : -1;
    issue(
      index >= 0 ? ["command", index] : ["command"],
      `\${${name}} names no parameter${env}; the command can use ${[...known].map((n) => `\${${n}}`).join(", ")}`,
    );
  }
}
