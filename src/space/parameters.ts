/**
 * What the `parameters:` of a config mean, apart from any encoding: a
 * configuration (the value of every active parameter), when a conditional
 * parameter is active, the order that puts a parameter after those its `when`
 * names, and the configuration of defaults. The config checks a baseline with
 * these; the search space builds its dimensions on them.
 */
import type { Parameter, Scalar } from "./parameter-schema.ts";

/** A configuration: the value of every *active* parameter. */
export type Params = Readonly<Record<string, Scalar>>;

/** A parameter with its name, as the space's dimensions hold them. */
export interface NamedParameter {
  readonly name: string;
  readonly param: Parameter;
}

/** Declaration order, except that a parameter waits for those its `when` names (the schema rejects cycles). */
export function parametersInOrder(parameters: Readonly<Record<string, Parameter>>): NamedParameter[] {
  const dims: NamedParameter[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    if (placed.has(name)) return;
    placed.add(name);
    const param = parameters[name]!;
    for (const dep of Object.keys(param.when ?? {})) place(dep);
    dims.push({ name, param });
  };
  for (const name of Object.keys(parameters)) place(name);
  return dims;
}

/** Whether a parameter's `when` holds, given the values decided so far. */
export function isActive(param: Parameter, params: Params): boolean {
  return Object.entries(param.when ?? {}).every(([dep, expected]) => {
    if (!(dep in params)) return false;
    const v = params[dep];
    return Array.isArray(expected) ? expected.some((e) => e === v) : expected === v;
  });
}

/**
 * The configuration made of each parameter's `default` (constants give their
 * value), or the names of active parameters that have no default; `ordered` as
 * `parametersInOrder` gives them.
 */
export function defaultsOf(
  ordered: readonly NamedParameter[],
): { ok: true; params: Params } | { ok: false; missing: string[] } {
  const out: Record<string, Scalar> = {};
  const missing: string[] = [];
  for (const { name, param } of ordered) {
    if (!isActive(param, out)) continue;
    const v = param.type === "constant" ? param.value : param.default;
    if (v === undefined) missing.push(name);
    else out[name] = v;
  }
  return missing.length ? { ok: false, missing } : { ok: true, params: out };
}
