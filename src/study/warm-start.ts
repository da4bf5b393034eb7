/**
 * Warm start: what a study takes from a related one (the base branch's study,
 * or one the user names) before its first round. The other study's results
 * are mapped into this study's space once, kept in the state as they were
 * mapped, and from then on are evidence for the strategy (`prior`) and the
 * source of round 1's re-runs of its best configurations; they never count as
 * this study's own results, its best or its budget.
 */
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { isBetter } from "../protocol/objective.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialValue } from "../protocol/trial-value.ts";
import { type Scalar, scalar } from "../space/parameter-schema.ts";
import { buildSpace, type Dimension, isActive, type Params, paramsKey, type Space } from "../space/space.ts";
import type { PriorTrial } from "../strategy/strategy.ts";

/**
 * The most of the other study's trials kept, best first: enough for any model
 * to see its landscape, few enough that the state stays small and a GP over
 * them stays quick.
 */
export const MAX_PRIOR_TRIALS = 300;

export const warmStartSchema = z.object({
  /** Where the trials came from, as the report names it: `run 9001 (study digits on main)`. */
  source: z.string(),
  /** How many trials with a value the other study had at its full resource. */
  offered: z.int().min(0),
  /** Those that mapped into this space, best first, with their values. */
  trials: z.array(z.object({ params: z.record(z.string(), scalar), value: z.number().refine(Number.isFinite) })),
  /** What the mapping changed or could not carry over, one line each. */
  notes: z.array(z.string()),
  /** This study's trials that re-ran the other's best configurations (round 1). */
  reran: z.array(z.int().min(0)).default([]),
});
export type WarmStart = z.infer<typeof warmStartSchema>;

/** Why a study cannot start from another at all. */
export function warmStartRefusal(config: Config, base: { config: Config }): string | undefined {
  const mine = config.objective;
  const theirs = base.config.objective;
  // The prior and the re-runs rank the other study's trials by one value.
  if (mine.length > 1) return "this study has several objectives, and warm start carries over one objective's results";
  const text = (list: Config["objective"]) => list.map((o) => `${o.goal}s ${o.metric}`).join(" and ");
  if (theirs.length !== 1 || mine[0].metric !== theirs[0].metric || mine[0].goal !== theirs[0].goal)
    return `it ${text(theirs)}, and this study ${text(mine)}`;
  return undefined;
}

/**
 * The other study's results mapped into `config`'s space. A parameter both
 * spaces have keeps its value when the new space allows it (else the trial is
 * left out: its value was measured somewhere this study cannot go); one the
 * other study lacked takes its default (or the middle of its range, said in
 * the notes), since the other study's code ran with some fixed value of it; one
 * this study lacks is dropped.
 */
export function warmStartFrom(
  config: Config,
  base: { config: Config; trials: readonly Trial[] },
  source: string,
): WarmStart {
  const space = buildSpace(config.parameters);
  const { level, trials: valued } = atLargestResource(base);
  const notes: string[] = [];
  const resource = base.config.resource;
  if (resource && level !== undefined && level !== resource.max)
    notes.push(
      `its trials at ${resource.name} ${level}, the largest with results (its full ${resource.name} is ${resource.max})`,
    );
  const names = new Set(space.dims.map((d) => d.name));
  const theirs = new Set(Object.keys(base.config.parameters));
  const dropped = [...theirs].filter((n) => !names.has(n));
  if (dropped.length) notes.push(`not in this space, dropped: ${dropped.join(", ")}`);
  for (const d of space.dims)
    if (!theirs.has(d.name)) notes.push(`new here: ${d.name}, taken as ${describeFill(d)} in the other study's trials`);
  const outside = new Map<string, number>();
  const seen = new Set<string>();
  const mapped: PriorTrial[] = [];
  for (const t of valued) {
    const m = mapParams(space, theirs, t.params);
    if (typeof m === "string") {
      outside.set(m, (outside.get(m) ?? 0) + 1);
      continue;
    }
    // Two trials that map to one configuration (a dropped parameter told them apart) count once: the better, first.
    const key = paramsKey(m);
    if (seen.has(key)) continue;
    seen.add(key);
    mapped.push({ params: m, value: t.value });
  }
  for (const [name, n] of outside) notes.push(`${n} trial${n > 1 ? "s" : ""} left out: ${name}`);
  if (mapped.length > MAX_PRIOR_TRIALS) notes.push(`kept the best ${MAX_PRIOR_TRIALS} of ${mapped.length}`);
  return { source, offered: valued.length, trials: mapped.slice(0, MAX_PRIOR_TRIALS), notes, reran: [] };
}

/**
 * The other study's search trials with a value, best first; of a
 * multi-fidelity study only those at the largest resource that has any, whose
 * values mean the most nearly what this study's mean.
 */
function atLargestResource(base: { config: Config; trials: readonly Trial[] }): {
  level: number | undefined;
  trials: { params: Params; value: number }[];
} {
  const goal = base.config.objective[0].goal;
  const valued = base.trials.flatMap((t) => {
    const value = trialValue(t);
    return value !== undefined && t.ref === undefined ? [{ params: t.params, value, resource: t.resource }] : [];
  });
  const level = base.config.resource ? Math.max(...valued.map((t) => t.resource ?? 0)) : undefined;
  const trials = valued
    .filter((t) => level === undefined || t.resource === level)
    .map(({ params, value }) => ({ params, value }))
    .sort((a, b) => (isBetter(goal, a.value, b.value) ? -1 : isBetter(goal, b.value, a.value) ? 1 : 0));
  return { level: valued.length ? level : undefined, trials };
}

/** The configuration in this space, or why it has none (`its lr is outside [0.001, 0.1]`). */
function mapParams(space: Space, theirs: ReadonlySet<string>, params: Params): Params | string {
  const out: Record<string, Scalar> = {};
  for (const d of space.dims) {
    if (!isActive(d.param, out)) continue;
    if (!theirs.has(d.name)) {
      out[d.name] = fillValue(d);
      continue;
    }
    const v = params[d.name];
    // Active here but not there: its condition is new, so its value is unknown as a new parameter's is.
    if (v === undefined) {
      out[d.name] = fillValue(d);
      continue;
    }
    const problem = fits(d, v);
    if (problem) return problem;
    out[d.name] = v;
  }
  return out;
}

function fits({ name, param: p }: Dimension, v: Scalar): string | undefined {
  switch (p.type) {
    case "constant":
      return v === p.value ? undefined : `${name} is fixed at ${JSON.stringify(p.value)} here`;
    case "categorical":
      // The other study's value is not shown: a state file from another run is not text to echo into a comment.
      return p.values.includes(v) ? undefined : `${name} has a value that is not one of its values here`;
    case "float":
    case "int":
      if (typeof v !== "number" || (p.type === "int" && !Number.isInteger(v)))
        return `${name} is not ${p.type === "int" ? "a whole number" : "a number"}`;
      return v >= p.min && v <= p.max ? undefined : `${name} outside [${p.min}, ${p.max}]`;
  }
}

/** What a parameter the other study lacked is taken to have been: its default, else the middle of its range. */
function fillValue({ param: p }: Dimension): Scalar {
  switch (p.type) {
    case "constant":
      return p.value;
    case "categorical":
      return p.default ?? p.values[Math.floor((p.values.length - 1) / 2)]!;
    case "float":
    case "int": {
      if (p.default !== undefined) return p.default;
      const mid = p.scale === "log" ? Math.sqrt(p.min * p.max) : (p.min + p.max) / 2;
      return p.type === "int" ? Math.round(mid) : Number(mid.toPrecision(6));
    }
  }
}

function describeFill(d: Dimension): string {
  const v = JSON.stringify(fillValue(d));
  return d.param.type !== "constant" && d.param.default === undefined ? `${v} (no default: the middle)` : v;
}

/**
 * Round 1's re-runs: the other study's best `count` configurations, skipping
 * any this study already has (its baseline), so the pull request gets a
 * like-for-like pair for its comparison and the search starts where the other
 * study ended.
 */
export function rerunConfigs(warm: WarmStart, taken: readonly Params[], count: number): Params[] {
  const seen = new Set(taken.map(paramsKey));
  const out: Params[] = [];
  for (const t of warm.trials) {
    if (out.length >= count) break;
    const key = paramsKey(t.params);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t.params);
  }
  return out;
}
