/**
 * Weights & Biases sweep configs (https://docs.wandb.ai/guides/sweeps/sweep-config-keys)
 * converted to the native form, so teams can bring the sweeps they already have.
 * Only the structure is translated here; the native schema then validates values,
 * and since parameter paths keep their names, its errors still point into the file.
 */
import { z } from "zod";
import { didYouMean } from "./errors.ts";

/** A file is a W&B sweep when it says `method:` (the native form says `strategy:`). */
export function isWandbSweep(raw: object): boolean {
  return "method" in raw && !("strategy" in raw);
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const wandbParam = z.strictObject({
  distribution: z
    .enum([
      "constant",
      "categorical",
      "int_uniform",
      "uniform",
      "q_uniform",
      "log_uniform",
      "log_uniform_values",
      "q_log_uniform_values",
      "inv_log_uniform_values",
    ])
    .optional(),
  value: scalar.optional(),
  values: z.array(scalar).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  q: z.number().positive().optional(),
  probabilities: z.array(z.number()).optional(),
});

const wandbSweep = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  project: z.string().optional(),
  entity: z.string().optional(),
  program: z.string().optional(),
  command: z.array(z.string()).optional(),
  method: z.enum(["grid", "random", "bayes"]),
  metric: z.strictObject({
    name: z.string(),
    goal: z.enum(["minimize", "maximize"]).default("minimize"),
    target: z.number().optional(),
  }),
  parameters: z.record(z.string(), wandbParam),
  run_cap: z.int().min(1).optional(),
  early_terminate: z.unknown().optional(),
});

export interface WandbIssue {
  path: (string | number)[];
  message: string;
  /** Point at the key rather than its value (an unknown field). */
  onKey?: boolean;
}

export type Converted = { ok: true; value: Record<string, unknown> } | { ok: false; issues: WandbIssue[] };

type Path = readonly (string | number)[];

const DEFAULT_COMMAND = ["${env}", "${interpreter}", "${program}", "${args}"];

/**
 * `floatLiteral` says whether the number at a path was written as a float (`1.0`):
 * W&B, reading YAML in Python, infers uniform rather than int_uniform for such bounds.
 */
export function wandbToNative(
  raw: object,
  file: string,
  floatLiteral: (path: Path) => boolean = () => false,
): Converted {
  const parsed = wandbSweep.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((i): WandbIssue[] => {
        const path = i.path.filter((p): p is string | number => typeof p !== "symbol");
        if (i.code === "unrecognized_keys")
          return i.keys.map((key) => {
            const suggestion = didYouMean(key, sweepFieldsAt(path));
            return {
              path: [...path, key],
              onKey: true,
              message: `unknown field "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (W&B sweep syntax)`,
            };
          });
        const value = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], raw);
        if (i.code === "invalid_type" && value === undefined)
          return [{ path, message: `is required (${i.expected}; W&B sweep syntax)` }];
        if (i.code === "invalid_value")
          return [
            {
              path,
              message: `${JSON.stringify(value)} is not supported; W&B sweep syntax allows ${i.values.map((v) => JSON.stringify(v)).join(", ")}`,
            },
          ];
        return [{ path, message: `${i.message} (W&B sweep syntax)` }];
      }),
    };
  const sweep = parsed.data;
  const issues: WandbIssue[] = [];
  const parameters: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(sweep.parameters)) {
    const bound = (k: "min" | "max") => floatLiteral(["parameters", name, k]);
    const converted = convertParam(p, bound("min") || bound("max"));
    if (typeof converted === "string") issues.push({ path: ["parameters", name], message: converted });
    else parameters[name] = converted;
  }
  if (sweep.early_terminate !== undefined)
    issues.push({
      path: ["early_terminate"],
      message:
        "early_terminate is not converted yet; remove it (matrix-tune's own early stopping is configured natively)",
    });

  const names = Object.keys(sweep.parameters);
  const command: string[] = [];
  for (const part of sweep.command ?? DEFAULT_COMMAND) {
    if (part === "${env}") continue;
    else if (part === "${interpreter}") command.push("python3");
    else if (part === "${program}") {
      if (!sweep.program)
        issues.push({
          path: ["program"],
          message: "the command uses ${program}, so `program` is required",
        });
      else command.push(sweep.program);
    } else if (part === "${args}") command.push(...names.map((n) => `--${n}=\${${n}}`));
    else if (part === "${args_no_hyphens}") command.push(...names.map((n) => `${n}=\${${n}}`));
    else if (part === "${args_json}" || part === "${args_json_file}")
      issues.push({
        path: ["command"],
        message: `${part} is not supported; the trial gets its parameters as JSON in the file named by TUNE_PARAMS_FILE`,
      });
    else command.push(part);
  }
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    value: {
      name: sweep.name ?? studyNameFromFile(file),
      ...(sweep.description ? { description: sweep.description } : {}),
      command,
      objective: {
        metric: sweep.metric.name,
        goal: sweep.metric.goal,
        ...(sweep.metric.target !== undefined ? { target: sweep.metric.target } : {}),
      },
      parameters,
      strategy: sweep.method,
      ...(sweep.run_cap ? { budget: { max_trials: sweep.run_cap } } : {}),
    },
  };
}

/** The native parameter for one W&B parameter, or a message saying why there is none. */
function convertParam(p: z.output<typeof wandbParam>, floatBounds: boolean): Record<string, unknown> | string {
  const dist = p.distribution ?? inferDistribution(p, floatBounds);
  if (!dist) return "give `values`, `value`, or `min` and `max` (with an optional `distribution`)";
  const range = () => (p.min === undefined || p.max === undefined ? undefined : { min: p.min, max: p.max });
  const needRange = `distribution ${dist} needs min and max`;
  switch (dist) {
    case "constant":
      return p.value === undefined ? "distribution constant needs `value`" : { type: "constant", value: p.value };
    case "categorical":
      if (p.probabilities) return "categorical probabilities are not supported; every value is equally likely";
      return p.values ? { type: "categorical", values: p.values } : "distribution categorical needs `values`";
    case "int_uniform":
      return range() ? { type: "int", ...range() } : needRange;
    case "uniform":
      return range() ? { type: "float", ...range() } : needRange;
    case "q_uniform":
      return range() ? { type: "float", ...range(), step: p.q ?? 1 } : needRange;
    case "log_uniform": {
      // W&B's log_uniform takes natural-log bounds: the values lie in [e^min, e^max].
      const r = range();
      return r ? { type: "float", min: Math.exp(r.min), max: Math.exp(r.max), scale: "log" } : needRange;
    }
    case "log_uniform_values":
    case "inv_log_uniform_values":
      // If 1/X is log-uniform on [1/max, 1/min], so is X on [min, max]: one scale serves both.
      return range() ? { type: "float", ...range(), scale: "log" } : needRange;
    case "q_log_uniform_values":
      return "q_log_uniform_values is not supported; use log_uniform_values, or int_uniform for integers";
  }
}

type Distribution = NonNullable<z.output<typeof wandbParam>["distribution"]>;

function inferDistribution(p: z.output<typeof wandbParam>, floatBounds: boolean): Distribution | undefined {
  if (p.values) return "categorical";
  if (p.value !== undefined) return "constant";
  if (p.min !== undefined && p.max !== undefined)
    return Number.isInteger(p.min) && Number.isInteger(p.max) && !floatBounds ? "int_uniform" : "uniform";
  return undefined;
}

/** The fields of the W&B object at `path`, for did-you-mean suggestions. */
function sweepFieldsAt(path: Path): string[] {
  if (path.length === 0) return Object.keys(wandbSweep.shape);
  if (path[0] === "metric") return Object.keys(wandbSweep.shape.metric.shape);
  if (path[0] === "parameters") return Object.keys(wandbParam.shape);
  return [];
}

function studyNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? "sweep";
  return base.replace(/\.(ya?ml|json)$/i, "").replace(/[^A-Za-z0-9_.-]/g, "-") || "sweep";
}
