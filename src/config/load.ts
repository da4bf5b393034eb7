/**
 * Reads a tuning config: YAML with source positions, the W&B sweep dialect
 * converted to the native form, then the zod schema. Every problem found is
 * reported at once, each at file:line:column.
 */
import { readFileSync } from "node:fs";
import { type Document, isCollection, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue, didYouMean } from "./errors.ts";
import { fieldsAt } from "./json-schema.ts";
import { type Config, configSchema } from "./schema.ts";
import { isWandbSweep, wandbToNative } from "./wandb.ts";

export interface LoadedConfig {
  config: Config;
  /** Absolute or caller-relative path the config was read from. */
  file: string;
  /** The dialect the file was written in. */
  dialect: "native" | "wandb";
}

type Path = readonly (string | number)[];

export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(file, [
      { line: 0, col: 0, path: "", message: `cannot read the config: ${(err as Error).message}` },
    ]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lines.linePos(offset);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const { line, col } = at(e.pos[0]);
        if (e.code === "DUPLICATE_KEY") {
          const path = keyPath(doc, e.pos[0]) ?? [];
          const name = path.length ? String(path[path.length - 1]) : text.slice(e.pos[0], e.pos[1]);
          return {
            line,
            col,
            path: path.join("."),
            message: `"${name}" is defined twice (names must be unique)`,
          };
        }
        // `[python, --lr=${lr}]` reads `{` as the start of a mapping: say what to do about it.
        const source = text.split("\n")[line - 1] ?? "";
        const hint = source.includes("${") ? ` (inside [ ] or { }, quote a string that contains \${...})` : "";
        return { line, col, path: "", message: `${firstLine(e.message)}${hint}` };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // The YAML library refuses documents whose aliases would expand without bound.
    throw new ConfigError(file, [
      {
        line: 1,
        col: 1,
        path: "",
        message: `the YAML cannot be expanded (${(err as Error).message}): write the values out instead of repeating aliases (*name) of aliases`,
      },
    ]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(file, [
      {
        line: 1,
        col: 1,
        path: "",
        message: "the config must be a mapping of fields such as name, command, objective, parameters",
      },
    ]);
  }
  const locate = (path: Path, onKey = false): { line: number; col: number } => {
    const node = nearestNode(doc, path, onKey);
    return node?.range ? at(node.range[0]) : { line: 1, col: 1 };
  };

  let native: unknown = raw;
  const dialect = isWandbSweep(raw) ? "wandb" : "native";
  if (dialect === "wandb") {
    // W&B infers int_uniform from integer bounds as Python reads them: `1.0` is a float there.
    const floatLiteral = (path: Path) => {
      const node = doc.getIn(path, true);
      return (
        isScalar(node) &&
        typeof node.value === "number" &&
        !/^[-+]?(\d+|0x[0-9a-fA-F]+|0o[0-7]+)$/.test(node.source ?? "")
      );
    };
    const converted = wandbToNative(raw, file, floatLiteral);
    if (!converted.ok)
      throw new ConfigError(
        file,
        converted.issues.map((i) => ({
          ...locate(i.path, i.onKey),
          path: i.path.join("."),
          message: i.message,
        })),
      );
    native = converted.value;
  }

  const result = configSchema.safeParse(native);
  if (!result.success)
    throw new ConfigError(
      file,
      result.error.issues.flatMap((i) => toIssues(i, raw, locate)),
    );
  return { config: result.data, file, dialect };
}

function toIssues(
  issue: z.core.$ZodIssue,
  raw: unknown,
  locate: (path: Path, onKey?: boolean) => { line: number; col: number },
): ConfigIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  // A union of kinds (one objective or a list of them): when the value is of one branch's kind
  // only, that branch's problems are the ones to report, at their own fields.
  if (issue.code === "invalid_union") {
    const ofKind = issue.errors.filter((errs) => !errs.some((e) => e.code === "invalid_type" && e.path.length === 0));
    if (ofKind.length === 1)
      return ofKind[0]!.flatMap((e) =>
        toIssues({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue, raw, locate),
      );
  }
  if (issue.code === "unrecognized_keys") {
    // Suggest only fields that are valid at this place in the file.
    const fields = fieldsAt(path, (p) => valueAt(raw, p)) ?? [];
    return issue.keys.map((key) => {
      const suggestion = didYouMean(key, fields);
      const valid =
        validKeysHint(path, raw) || (!suggestion && fields.length ? ` (valid here: ${fields.join(", ")})` : "");
      return {
        ...locate([...path, key], true),
        path: [...path, key].join("."),
        message: `unknown field "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""}${valid}`,
      };
    });
  }
  // Checks about a name (such as a `when` that names an unknown parameter) point at the key.
  const onKey = issue.code === "custom" && issue.params?.onKey === true;
  return [{ ...locate(path, onKey), path: path.join("."), message: describe(issue, path, raw) }];
}

function describe(issue: z.core.$ZodIssue, path: Path, raw: unknown): string {
  const value = valueAt(raw, path);
  if (issue.code === "invalid_type" && value === undefined) return `is required (${issue.expected})`;
  if (issue.code === "invalid_type" && typeof value === "number")
    return `must be a finite ${issue.expected} (got ${shown(value)})`;
  if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)) {
    const options = issue.options.map((o) => JSON.stringify(o)).join(", ");
    return value === undefined ? `is required: one of ${options}` : `must be one of ${options} (got ${shown(value)})`;
  }
  if (issue.code === "invalid_union") {
    // Every branch failed on the type alone (such as `command`, a list or a string): name the types.
    const expected = issue.errors.map((errs) =>
      errs.length === 1 && errs[0]!.code === "invalid_type" && errs[0]!.path.length === 0
        ? errs[0]!.expected
        : undefined,
    );
    if (expected.length > 0 && expected.every((e) => e !== undefined)) {
      // A list with its first item apart (zod's tuple) is a list to the user.
      const types = [...new Set(expected.map((e) => (e === "tuple" ? "array" : e)))].join(" or ");
      return value === undefined ? `is required (${types})` : `must be ${types} (got ${shown(value)})`;
    }
  }
  if (issue.code === "invalid_value" && value === undefined)
    return `is required: one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "invalid_value")
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${shown(value)})`;
  return issue.message.startsWith("Invalid input") && value !== undefined
    ? `${issue.message} (got ${shown(value)})`
    : issue.message;
}

/** A value as the user wrote it: YAML's .nan and .inf are not JSON, and would read as null. */
function shown(value: unknown): string {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
}

function validKeysHint(path: Path, raw: unknown): string {
  // Parameter specs depend on their type, so list the fields of that type.
  if (path[0] === "parameters" && path.length === 2) {
    const type = (valueAt(raw, path) as { type?: string } | undefined)?.type;
    const fields: Record<string, string> = {
      float: "min, max, scale, step, points, values, default, when, description",
      int: "min, max, scale, step, points, values, default, when, description",
      categorical: "values, default, when, description",
      constant: "value, when, description",
    };
    if (type && fields[type]) return ` (a ${type} parameter takes: type, ${fields[type]})`;
  }
  return "";
}

function valueAt(raw: unknown, path: Path): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The node at `path`, or of its nearest ancestor that exists in the file. */
function nearestNode(doc: Document, path: Path, onKey: boolean): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (onKey && n === path.length && n > 0) {
      const key = keyNode(doc, sub);
      if (key) return key;
      continue;
    }
    const node = n === 0 ? doc.contents : doc.getIn(sub, true);
    // A block mapping or list starts on the line after its key: the key is what to point at.
    if (n > 0 && isCollection(node) && !node.flow) {
      const key = keyNode(doc, sub);
      if (key) return key;
    }
    if (node && typeof node === "object" && "range" in node) return node as Node;
  }
  return undefined;
}

/** The key of the mapping entry at `path`, when its parent is a mapping. */
function keyNode(doc: Document, path: Path): Node | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === path[path.length - 1]);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** The path of the mapping key that starts at `offset` (where the YAML parser reports a duplicate). */
function keyPath(doc: Document, offset: number): (string | number)[] | undefined {
  const walk = (node: unknown, path: (string | number)[]): (string | number)[] | undefined => {
    if (isMap(node))
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? (pair.key.value as string | number) : undefined;
        if (key === undefined) continue;
        if (isScalar(pair.key) && pair.key.range?.[0] === offset) return [...path, key];
        const found = walk(pair.value, [...path, key]);
        if (found) return found;
      }
    if (isSeq(node))
      for (const [i, item] of node.items.entries()) {
        const found = walk(item, [...path, i]);
        if (found) return found;
      }
    return undefined;
  };
  return walk(doc.contents, []);
}

function firstLine(s: string): string {
  return s.split("\n")[0]!;
}
