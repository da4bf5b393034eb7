/**
 * The trial command as an argv template. A string command is split as a POSIX
 * shell would split words, but it never runs through a shell: pipes, redirects
 * and variable expansion are refused rather than silently misread, and each
 * parameter value lands in exactly one argv element whatever characters it holds.
 */
import { parse } from "shell-quote";
import type { Scalar } from "../space/parameter-schema.ts";
import type { Params } from "../space/parameters.ts";

/** Names a template may use besides parameters. */
export const BUILTIN_NAMES = ["trial_id", "output_dir", "seed", "fold", "folds"] as const;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function splitCommand(command: string | readonly string[]): string[] {
  if (typeof command !== "string") return [...command];
  const words = parse(command, (name) => `\${${name}}`);
  return words.map((w) => {
    if (typeof w === "string") return w;
    const what =
      "op" in w
        ? w.op === "glob"
          ? `the glob pattern "${w.pattern}"`
          : `the shell operator "${w.op}"`
        : "comment" in w
          ? 'the shell comment "#"'
          : "a shell construct";
    throw new Error(
      `the command contains ${what}, but commands do not run through a shell; write a script and run that, or give the command as a list`,
    );
  });
}

/** Names used as ${name} in the template, for validation against the parameters. */
export function templateNames(argv: readonly string[]): string[] {
  return [...new Set(argv.flatMap((a) => [...a.matchAll(PLACEHOLDER)].map((m) => m[1]!)))];
}

/** Whether an argument has a `${` that no `}` closes: left as it is, it would reach the trial literally. */
export function hasUnclosedTemplate(arg: string): boolean {
  return arg.replace(PLACEHOLDER, "").includes("${");
}

export function formatValue(v: Scalar): string {
  return String(v);
}

/**
 * Fills in the template. An element that names a parameter which is inactive in
 * this configuration (a conditional one) is dropped whole, so `--momentum=${momentum}`
 * disappears when the optimizer has no momentum.
 */
export function expandArgv(
  argv: readonly string[],
  params: Params,
  builtins: Record<(typeof BUILTIN_NAMES)[number], string>,
): string[] {
  const values: Record<string, string> = { ...builtins };
  for (const [k, v] of Object.entries(params)) values[k] = formatValue(v);
  const out: string[] = [];
  for (const arg of argv) {
    let dropped = false;
    const filled = arg.replace(PLACEHOLDER, (_, name: string) => {
      const v = values[name];
      if (v === undefined) dropped = true;
      return v ?? "";
    });
    if (!dropped) out.push(filled);
  }
  return out;
}
