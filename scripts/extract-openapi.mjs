#!/usr/bin/env node
/**
 * Extracts the few GitHub REST operations that matrix-tune calls from GitHub's
 * published OpenAPI description into a small committed fixture,
 * test/fixtures/openapi/github-subset.json, which the loopback GitHub server
 * (test/helpers/github-server.ts) uses to check every request and response.
 *
 * How to regenerate (`@octokit/openapi` is ~385 MB, so it is NOT a dependency;
 * install it in a scratch directory outside the repository):
 *
 *   mkdir -p /tmp/oa && cd /tmp/oa && npm init -y && npm install @octokit/openapi
 *   cd -   # back to the repository root
 *   node scripts/extract-openapi.mjs /tmp/oa/node_modules/@octokit/openapi/generated/api.github.com.json
 *
 * The spec path may also be given as OPENAPI_SPEC=/path/to/api.github.com.json.
 * An optional second argument overrides the output path. To serve a new
 * operation, add it to OPERATIONS below, regenerate, and add a handler to the
 * server. The fixture records the package version and the extraction date.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** [method, path] of every operation the fake server serves. */
const OPERATIONS = [
  ["get", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs"],
  ["get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"],
  ["post", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"],
  ["get", "/repos/{owner}/{repo}/collaborators/{username}/permission"],
  ["post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}"],
  ["get", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"],
  ["get", "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts"],
  ["post", "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel"],
];

/** Schemas the server needs for its own error responses, whatever the operations reference. */
const ALWAYS_SCHEMAS = ["basic-error", "validation-error"];

/** Keywords that only document (examples and prose): dropped to keep the fixture small. */
const DROP_KEYWORDS = new Set(["example", "examples", "description", "x-github", "externalDocs"]);

const USAGE = `usage: node scripts/extract-openapi.mjs <path/to/api.github.com.json> [output.json]
   or: OPENAPI_SPEC=<path/to/api.github.com.json> node scripts/extract-openapi.mjs

Get the spec (outside the repository; the package is large and not a dependency):
  mkdir -p /tmp/oa && cd /tmp/oa && npm init -y && npm install @octokit/openapi
  spec: /tmp/oa/node_modules/@octokit/openapi/generated/api.github.com.json`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_OUT = join(ROOT, "test/fixtures/openapi/github-subset.json");

function fail(message) {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** Finds the @octokit/openapi package.json above the spec file, for its version. */
function findPackage(specPath) {
  let dir = dirname(specPath);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8"));
      if (pkg.name) return { name: pkg.name, version: pkg.version };
    }
    dir = dirname(dir);
  }
  return { name: "unknown", version: "unknown" };
}

function pointer(spec, ref) {
  if (!ref.startsWith("#/")) throw new Error(`external $ref not supported: ${ref}`);
  let node = spec;
  for (const part of ref.slice(2).split("/")) {
    node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (node === undefined) throw new Error(`dangling $ref: ${ref}`);
  return node;
}

/** Follows $refs to components other than schemas (parameters, responses, headers, requestBodies). */
function deref(spec, node) {
  while (node && typeof node === "object" && typeof node.$ref === "string" && !isSchemaRef(node.$ref)) {
    node = pointer(spec, node.$ref);
  }
  return node;
}

const isSchemaRef = (ref) => ref.startsWith("#/components/schemas/");

/** Copies a schema without documentation keywords, collecting the component schemas it references. */
function cleanSchema(node, refs, underProperties = false) {
  if (Array.isArray(node)) return node.map((n) => cleanSchema(n, refs));
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    // Inside `properties`, keys are property names (a property may be called "description").
    if (!underProperties && DROP_KEYWORDS.has(key)) continue;
    if (!underProperties && key === "$ref") {
      if (!isSchemaRef(value)) throw new Error(`unexpected non-schema $ref inside a schema: ${value}`);
      refs.add(value.slice("#/components/schemas/".length));
      out.$ref = value;
      continue;
    }
    out[key] = cleanSchema(value, refs, !underProperties && (key === "properties" || key === "patternProperties"));
  }
  return out;
}

function extract(spec, pkg, date) {
  const refs = new Set(ALWAYS_SCHEMAS);
  const operations = {};
  for (const [method, path] of OPERATIONS) {
    const item = spec.paths[path];
    const op = item?.[method];
    if (!op) throw new Error(`operation not in the spec: ${method.toUpperCase()} ${path}`);
    const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => {
      const param = deref(spec, p);
      return {
        name: param.name,
        in: param.in,
        required: param.required === true,
        schema: cleanSchema(param.schema ?? {}, refs),
      };
    });
    let requestBody = null;
    if (op.requestBody) {
      const body = deref(spec, op.requestBody);
      const json = body.content?.["application/json"];
      if (!json) throw new Error(`${op.operationId}: request body is not application/json`);
      requestBody = { required: body.required === true, schema: cleanSchema(json.schema, refs) };
    }
    const responses = {};
    for (const [status, r] of Object.entries(op.responses)) {
      const response = deref(spec, r);
      const json = response.content?.["application/json"];
      responses[status] = {
        description: response.description ?? "",
        schema: json?.schema ? cleanSchema(json.schema, refs) : null,
        headers: Object.keys(response.headers ?? {}).map((h) => h.toLowerCase()),
      };
    }
    operations[op.operationId] = {
      method: method.toUpperCase(),
      path,
      summary: op.summary,
      documentation_url: op.externalDocs?.url ?? null,
      parameters,
      requestBody,
      responses,
    };
  }

  // Transitive closure of the referenced component schemas.
  const schemas = {};
  const queue = [...refs];
  while (queue.length > 0) {
    const name = queue.pop();
    if (name in schemas) continue;
    const found = new Set();
    schemas[name] = cleanSchema(pointer(spec, `#/components/schemas/${name}`), found);
    for (const f of found) if (!(f in schemas)) queue.push(f);
  }
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((k) => [k, schemas[k]]),
  );

  return {
    $comment:
      "Generated by scripts/extract-openapi.mjs from GitHub's OpenAPI description; do not edit by hand. Regenerate with the command in that script's header.",
    source: {
      package: pkg.name,
      version: pkg.version,
      file: "generated/api.github.com.json",
      openapi: spec.openapi,
      info_version: spec.info?.version ?? null,
      extracted: date,
    },
    operations,
    components: { schemas: sorted },
  };
}

function main() {
  const specPath = process.argv[2] ?? process.env.OPENAPI_SPEC;
  if (!specPath || specPath === "-h" || specPath === "--help") fail("missing the path of api.github.com.json");
  if (!existsSync(specPath)) fail(`no such file: ${specPath}`);
  const out = resolve(process.argv[3] ?? DEFAULT_OUT);
  const spec = JSON.parse(readFileSync(specPath, "utf8"));
  if (!spec.openapi || !spec.paths) fail(`${specPath} is not an OpenAPI description`);
  const date = process.env.EXTRACT_DATE ?? new Date().toISOString().slice(0, 10);
  const fixture = extract(spec, findPackage(resolve(specPath)), date);
  const text = `${JSON.stringify(fixture, null, 1)}\n`;
  writeFileSync(out, text);
  const n = Object.keys(fixture.operations).length;
  const m = Object.keys(fixture.components.schemas).length;
  process.stdout.write(`wrote ${out}: ${n} operations, ${m} schemas, ${(text.length / 1024).toFixed(0)} KiB\n`);
}

main();
