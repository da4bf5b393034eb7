// Writes the config's JSON Schema to schema/tune.schema.json, where editors (and the
// `$schema` field of a tune.yml) find it. `npm run schema` after changing the zod
// schema; test/unit/json-schema.test.ts fails while the committed copy is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configJsonSchemaText } from "../src/config/json-schema.ts";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "schema", "tune.schema.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, configJsonSchemaText());
console.log(`wrote ${out}`);
