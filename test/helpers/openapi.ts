/**
 * Validation against GitHub's published OpenAPI description, restricted to the
 * operations matrix-tune calls (test/fixtures/openapi/github-subset.json, made
 * by scripts/extract-openapi.mjs from `@octokit/openapi`).
 *
 * OpenAPI 3.0 schemas are converted to JSON Schema for ajv:
 * - `nullable: true` becomes a `null` type (or `null` in an `enum`, or an
 *   `anyOf` with `{type: "null"}` where the schema has no `type`);
 * - `oneOf` becomes `anyOf`: GitHub's description uses `oneOf` for
 *   alternatives that overlap (`integer | string` workflow ids, nullable
 *   branches), which would reject valid data under JSON Schema's exclusivity;
 * - annotation keywords (`readOnly`, `example`, `discriminator`, ...) are
 *   ignored (ajv `strict: false`).
 * Path and query parameters arrive as strings and are coerced to the
 * parameter's schema type (integer, number, boolean) before validation, as
 * GitHub's router does.
 */
import { readFileSync } from "node:fs";
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const FIXTURE_URL = new URL("../fixtures/openapi/github-subset.json", import.meta.url);
const SCHEMAS_ID = "https://github-subset.test/openapi.json";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = { [key: string]: Json };

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: SchemaNode;
}

export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  documentation_url: string | null;
  parameters: Parameter[];
  requestBody: { required: boolean; schema: SchemaNode } | null;
  responses: Record<string, { description: string; schema: SchemaNode | null; headers: string[] }>;
}

interface Fixture {
  source: { package: string; version: string; openapi: string; extracted: string };
  operations: Record<string, Omit<OperationSpec, "operationId">>;
  components: { schemas: Record<string, SchemaNode> };
}

export interface RequestParts {
  path: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  hasBody: boolean;
}

/** A mismatch between a message and the description. `pointer` is a JSON pointer into the checked part. */
export interface Violation {
  operationId: string;
  part: "path" | "query" | "body" | "response";
  pointer: string;
  message: string;
  /** The offending value, when there is one (for GitHub-style error messages). */
  value?: unknown;
  keyword?: string;
}

export function formatViolation(v: Violation, status?: number): string {
  const where = v.part === "response" ? `response ${status ?? ""}`.trim() : `request ${v.part}`;
  return `${v.operationId}: ${where} ${v.pointer || "/"} ${v.message}`;
}

/** Converts an OpenAPI 3.0 schema object to JSON Schema (draft-07 as ajv reads it). */
export function toJsonSchema(node: Json, refBase = ""): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, refBase));
  if (node === null || typeof node !== "object") return node;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable") continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.startsWith("#/components/") ? `${refBase}${value}` : value;
    } else if (key === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, refBase)]));
    } else if (key === "oneOf") {
      out.anyOf = toJsonSchema(value, refBase);
    } else {
      out[key] = toJsonSchema(value, refBase);
    }
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

/** Coerces a path or query string to the type its schema asks for; leaves it alone when it cannot. */
function coerce(value: string, schema: SchemaNode): unknown {
  const types = new Set<string>();
  const collect = (s: Json) => {
    if (!s || typeof s !== "object" || Array.isArray(s)) return;
    if (typeof s.type === "string") types.add(s.type);
    for (const alt of [s.oneOf, s.anyOf]) if (Array.isArray(alt)) alt.forEach(collect);
  };
  collect(schema);
  if (types.has("integer") && /^-?\d+$/.test(value)) return Number(value);
  if (types.has("number") && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (types.has("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

function pointerOf(e: ErrorObject): { pointer: string; message: string } {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === "required")
    return { pointer: `${e.instancePath}/${String(p.missingProperty)}`, message: "is required" };
  if (e.keyword === "additionalProperties") {
    return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, message: "is not allowed" };
  }
  const extra = e.keyword === "enum" ? `: ${JSON.stringify(p.allowedValues)}` : "";
  return { pointer: e.instancePath, message: `${e.message ?? e.keyword}${extra}` };
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Keeps the most useful ajv errors: drops the `anyOf` summary when its branches explain it. */
function violationsFrom(
  errors: ErrorObject[] | null | undefined,
  operationId: string,
  part: Violation["part"],
  data: unknown,
  prefix = "",
): Violation[] {
  if (!errors) return [];
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const e of errors) {
    if (e.keyword === "if") continue;
    const { pointer, message } = pointerOf(e);
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      operationId,
      part,
      pointer: `${prefix}${pointer}`,
      message,
      value: valueAt(data, pointer),
      keyword: e.keyword,
    });
  }
  return out;
}

export class OpenApi {
  readonly source: Fixture["source"];
  readonly operations: OperationSpec[];
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly routes: { op: OperationSpec; regex: RegExp; names: string[] }[];

  constructor(fixture: Fixture) {
    this.source = fixture.source;
    this.operations = Object.entries(fixture.operations).map(([operationId, op]) => ({ operationId, ...op }));
    this.ajv = new Ajv({ strict: false, allErrors: true, code: { optimize: false }, validateFormats: true });
    addFormats.default(this.ajv);
    const schemas = Object.fromEntries(
      Object.entries(fixture.components.schemas).map(([name, s]) => [name, toJsonSchema(s, SCHEMAS_ID)]),
    );
    this.ajv.addSchema({ $id: SCHEMAS_ID, components: { schemas } } as AnySchemaObject);
    this.routes = this.operations.map((op) => {
      const names: string[] = [];
      const source = op.path
        .split("/")
        .map((seg) => {
          const m = /^\{(\w+)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1]!);
          return "([^/]+)";
        })
        .join("/");
      return { op, regex: new RegExp(`^${source}$`), names };
    });
  }

  /** The operation serving `method pathname`, with its decoded path parameters. */
  match(method: string, pathname: string): { op: OperationSpec; params: Record<string, string> } | undefined {
    for (const { op, regex, names } of this.routes) {
      if (op.method !== method.toUpperCase()) continue;
      const m = regex.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]!);
      });
      return { op, params };
    }
    return undefined;
  }

  operation(operationId: string): OperationSpec {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`no operation ${operationId} in the fixture`);
    return op;
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(toJsonSchema(schema, SCHEMAS_ID) as AnySchemaObject);
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** Coerced path and query values, keyed by name, as a handler should read them. */
  coerceParams(op: OperationSpec, where: "path" | "query", raw: Record<string, string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      const param = op.parameters.find((p) => p.in === where && p.name === name);
      out[name] = param ? coerce(value, param.schema) : value;
    }
    return out;
  }

  validateRequest(op: OperationSpec, req: RequestParts): Violation[] {
    const out: Violation[] = [];
    for (const where of ["path", "query"] as const) {
      const params = op.parameters.filter((p) => p.in === where);
      const schema: SchemaNode = {
        type: "object",
        properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
        required: params.filter((p) => p.required).map((p) => p.name),
        additionalProperties: false,
      };
      const data = this.coerceParams(op, where, req[where]);
      const fn = this.compile(`${op.operationId} ${where}`, schema);
      if (!fn(data)) out.push(...violationsFrom(fn.errors, op.operationId, where, data));
    }
    if (op.requestBody) {
      if (!req.hasBody) {
        if (op.requestBody.required) {
          out.push({ operationId: op.operationId, part: "body", pointer: "", message: "a JSON body is required" });
        }
      } else {
        const fn = this.compile(`${op.operationId} body`, op.requestBody.schema);
        if (!fn(req.body)) out.push(...violationsFrom(fn.errors, op.operationId, "body", req.body));
      }
    } else if (req.hasBody) {
      out.push({ operationId: op.operationId, part: "body", pointer: "", message: "this operation takes no body" });
    }
    return out;
  }

  /**
   * Checks a response body against the schema documented for its status. A
   * status the operation does not document is checked against GitHub's
   * `basic-error` when it is an error (GitHub sends 404s and 403s that the
   * description leaves out), and is a violation when it is a success.
   */
  validateResponse(op: OperationSpec, status: number, body: unknown): Violation[] {
    const documented = op.responses[String(status)];
    if (!documented) {
      if (status >= 400) return this.validateComponent("basic-error", body, op.operationId);
      return [
        {
          operationId: op.operationId,
          part: "response",
          pointer: "",
          message: `status ${status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`,
        },
      ];
    }
    if (documented.schema === null) {
      return body === undefined
        ? []
        : [{ operationId: op.operationId, part: "response", pointer: "", message: `status ${status} has no body` }];
    }
    const fn = this.compile(`${op.operationId} ${status}`, documented.schema);
    return fn(body) ? [] : violationsFrom(fn.errors, op.operationId, "response", body);
  }

  /** Checks data against a component schema, e.g. `basic-error`. */
  validateComponent(name: string, data: unknown, operationId = name): Violation[] {
    const fn = this.compile(`component ${name}`, { $ref: `#/components/schemas/${name}` });
    return fn(data) ? [] : violationsFrom(fn.errors, operationId, "response", data);
  }
}

let shared: OpenApi | undefined;

/** The GitHub subset, parsed and compiled once per process. */
export function githubOpenApi(): OpenApi {
  shared ??= new OpenApi(JSON.parse(readFileSync(FIXTURE_URL, "utf8")) as Fixture);
  return shared;
}
