/**
 * Whether a configuration that came from elsewhere (a trial payload, written
 * by a plan in another job) is one this space could have produced: every
 * active parameter present, nothing unknown, each value of its kind and range.
 */

import type { Parameter, Scalar } from "./parameter-schema.ts";
import { isActive, type Params, type Space } from "./space.ts";

/** One line naming the first parameter that is wrong and what would be valid, or undefined when all are. */
export function checkParams(space: Space, params: Params, extra: ReadonlySet<string> = new Set()): string | undefined {
  const known = new Set(space.dims.map((d) => d.name));
  for (const name of Object.keys(params))
    if (!known.has(name) && !extra.has(name))
      return `parameter "${name}" is not in the config's space (it has ${[...known, ...extra].join(", ")})`;
  // Activity is judged on the payload's own values, in dependency order, as decode does.
  for (const { name, param } of space.dims) {
    const active = isActive(param, params);
    if (!(name in params)) {
      if (active) return `parameter "${name}" is missing (expected ${validValues(param)})`;
      continue;
    }
    if (!active) return `parameter "${name}" is given, but its \`when\` condition does not hold for the other values`;
    const problem = checkValue(param, params[name]!);
    if (problem) return `parameter "${name}" is ${JSON.stringify(params[name])}: ${problem}`;
  }
  return undefined;
}

function checkValue(p: Parameter, v: Scalar): string | undefined {
  switch (p.type) {
    case "constant":
      return v === p.value ? undefined : `the config fixes it at ${JSON.stringify(p.value)}`;
    case "categorical":
      return p.values.includes(v) ? undefined : `expected ${validValues(p)}`;
    case "float":
    case "int":
      if (typeof v !== "number" || !Number.isFinite(v) || (p.type === "int" && !Number.isInteger(v)))
        return `expected ${validValues(p)}`;
      return v >= p.min && v <= p.max ? undefined : `outside [${p.min}, ${p.max}]`;
  }
}

/** What a parameter accepts, as a reader would write it. */
export function validValues(p: Parameter): string {
  switch (p.type) {
    case "constant":
      return JSON.stringify(p.value);
    case "categorical":
      return `one of ${p.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "float":
      return `a number in [${p.min}, ${p.max}]`;
    case "int":
      return `a whole number in [${p.min}, ${p.max}]`;
  }
}
