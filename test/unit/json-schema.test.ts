import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { configJsonSchema, configJsonSchemaText } from "../../src/config/json-schema.ts";
import { STRATEGY_NAMES } from "../../src/strategy/registry.ts";

const committedPath = new URL("../../schema/tune.schema.json", import.meta.url);

type Node = Record<string, unknown>;
const props = (n: unknown): Node => (n as { properties: Node }).properties;

describe("JSON Schema export", () => {
  it("the committed schema/tune.schema.json matches a fresh generation", () => {
    let committed: string;
    try {
      committed = readFileSync(committedPath, "utf8");
    } catch {
      assert.fail("schema/tune.schema.json is missing: run npm run schema");
    }
    assert.ok(committed === configJsonSchemaText(), "schema/tune.schema.json is stale: run npm run schema");
  });

  it("is pretty-printed JSON ending in one newline", () => {
    const text = configJsonSchemaText();
    assert.ok(text.endsWith("}\n") && !text.endsWith("\n\n"));
    assert.match(text, /^\{\n {2}"\$schema": /);
    assert.deepEqual(JSON.parse(text), configJsonSchema());
  });

  it("describes the config's shape", () => {
    const schema = configJsonSchema();
    assert.equal(schema.type, "object");
    assert.equal(schema.$id, "https://github.com/matrix-tune/matrix-tune/schema/tune.schema.json");
    assert.equal(schema.title, "matrix-tune tuning config");
    const top = props(schema);
    for (const key of ["name", "command", "parameters", "objective", "budget", "strategy", "seed"])
      assert.ok(key in top, `missing property ${key}`);
    assert.deepEqual([...(schema.required as string[])].sort(), ["command", "name", "objective", "parameters"]);
    // One objective, or a list of them.
    const [one, list] = (top.objective as { anyOf: Record<string, unknown>[] }).anyOf;
    assert.deepEqual(props(one).goal, { type: "string", enum: ["minimize", "maximize"] });
    assert.equal(list!.type, "array");
    assert.deepEqual(props(list!.items).goal, props(one).goal);
    assert.ok("max_trials" in props(top.budget) && "parallel" in props(top.budget));
    // Unknown fields are errors in the loader, so editors should flag them too.
    assert.equal(schema.additionalProperties, false);
  });

  it("lists every strategy", () => {
    const strategy = props(configJsonSchema()).strategy as { enum: string[]; default: string };
    assert.deepEqual(strategy.enum, [...STRATEGY_NAMES]);
    assert.equal(strategy.default, "random");
  });

  it("gives each parameter kind its own fields, chosen by type", () => {
    const params = props(configJsonSchema()).parameters as { additionalProperties: { oneOf: Node[] } };
    const kinds = params.additionalProperties.oneOf.map((b) => {
      const p = props(b);
      return [(p.type as { const: string }).const, Object.keys(p).sort()];
    });
    assert.deepEqual(Object.fromEntries(kinds), {
      float: ["default", "description", "max", "min", "points", "scale", "step", "type", "values", "when"],
      int: ["default", "description", "max", "min", "points", "scale", "step", "type", "values", "when"],
      categorical: ["default", "description", "type", "values", "when"],
      constant: ["description", "type", "value", "when"],
    });
  });
});
