/**
 * The config's JSON Schema, generated from the zod schema so the two cannot drift
 * (a test compares it with the committed copy under schema/).
 */
import { z } from "zod";
import { configSchema } from "./schema.ts";

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://github.com/matrix-tune/matrix-tune/schema/tune.schema.json",
    title: "matrix-tune tuning config",
  };
}

/** The committed form of the schema (schema/tune.schema.json): two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

type SchemaNode = Record<string, unknown>;
const isNode = (v: unknown): v is SchemaNode => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The fields an object at `path` may have, for did-you-mean suggestions that only
 * offer what is valid there. `value` looks up the config's value at a path, so a
 * parameter's fields follow its `type`. Undefined when the path leads nowhere known.
 */
export function fieldsAt(
  path: readonly (string | number)[],
  value: (path: readonly (string | number)[]) => unknown,
): string[] | undefined {
  // Unions (a parameter's kinds, `command`'s list or string) are expanded into their
  // branches; a branch with a `type` constant is kept only when the value says that type.
  const expand = (n: SchemaNode, v: unknown): SchemaNode[] => {
    const branches = (n.oneOf ?? n.anyOf) as unknown;
    if (Array.isArray(branches)) return branches.filter(isNode).flatMap((b) => expand(b, v));
    const type = isNode(n.properties) && isNode(n.properties.type) ? n.properties.type.const : undefined;
    const actual = isNode(v) ? v.type : undefined;
    return type !== undefined && typeof actual === "string" && actual !== type ? [] : [n];
  };
  let nodes = expand(configJsonSchema(), value([]));
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const v = value(path.slice(0, i + 1));
    nodes = nodes
      .map((n) =>
        isNode(n.properties) && isNode(n.properties[seg])
          ? n.properties[seg]
          : typeof seg === "number"
            ? n.items
            : n.additionalProperties,
      )
      .filter(isNode)
      .flatMap((n) => expand(n, v));
  }
  const fields = new Set(nodes.flatMap((n) => (isNode(n.properties) ? Object.keys(n.properties) : [])));
  return fields.size > 0 ? [...fields] : undefined;
}
