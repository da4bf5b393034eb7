/**
 * The `/tune` command in a pull-request comment. Only a comment whose first
 * line starts with `/tune` counts, so quoting someone's command (`> /tune`),
 * showing it in a code block, or mentioning it mid-sentence does nothing.
 * Overrides are parsed into validated values here; the raw comment text goes
 * no further than this module (never into a shell or a workflow expression).
 */
import type { z } from "zod";
import { didYouMean } from "../config/errors.ts";
import { type Overrides, overridesSchema } from "../config/overrides.ts";
import { STRATEGY_NAMES } from "../strategy/registry.ts";

export const COMMAND = "/tune";

/** The spellings users write, mapped to override fields. */
const KEYS: Record<string, keyof Overrides> = {
  strategy: "strategy",
  "max-trials": "max_trials",
  max_trials: "max_trials",
  trials: "max_trials",
  parallel: "parallel",
  rounds: "max_rounds",
  "max-rounds": "max_rounds",
  max_rounds: "max_rounds",
  seed: "seed",
  config: "config",
  compare: "compare",
  repeats: "repeats",
  warm_start: "warm_start",
  "warm-start": "warm_start",
};

const INTEGER_KEYS = new Set<keyof Overrides>(["max_trials", "parallel", "max_rounds", "seed", "repeats"]);

export type Command =
  | { kind: "none" }
  | { kind: "start"; overrides: Overrides; sha?: string }
  | { kind: "restart"; overrides: Overrides; sha?: string }
  | { kind: "stop" }
  | { kind: "status" }
  | { kind: "help" }
  | { kind: "invalid"; message: string };

/** Shows a piece of user text safely inside a reply: short, on one line, in a code span. */
export function quote(text: string, max = 60): string {
  const flat = text.replace(/[\r\n\t]+/g, " ");
  const cut = [...flat].length > max ? `${[...flat].slice(0, max).join("")}…` : flat;
  // No backtick can end the code span early, and no `${{` reads like a workflow expression.
  return `\`${cut.replace(/`/g, "'").replace(/\$\{\{/g, "$ {{")}\``;
}

export function parseCommand(body: string): Command {
  const first = body.split(/\r?\n/, 1)[0]!.trim();
  if (first !== COMMAND && !first.startsWith(`${COMMAND} `) && !first.startsWith(`${COMMAND}\t`))
    return { kind: "none" };
  const words = first.slice(COMMAND.length).trim().split(/\s+/).filter(Boolean);
  const verb = words[0] && !words[0].includes("=") ? words.shift()! : undefined;
  if (verb === "stop" || verb === "status" || verb === "help") {
    if (words.length)
      return { kind: "invalid", message: `\`/tune ${verb}\` takes nothing after it; got ${quote(words.join(" "))}` };
    return { kind: verb };
  }
  if (verb !== undefined && verb !== "restart") {
    const guess = didYouMean(verb, ["stop", "status", "help", "restart"]);
    return {
      kind: "invalid",
      message: `unknown command ${quote(verb)}${guess ? ` (did you mean \`/tune ${guess}\`?)` : ""}; see \`/tune help\``,
    };
  }
  const raw: Record<string, string | number> = {};
  let sha: string | undefined;
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq <= 0) return { kind: "invalid", message: `expected key=value, got ${quote(word)}; see \`/tune help\`` };
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key.toLowerCase() === "sha") {
      // Which commit runs, not a setting of the study: checked against the head by the caller.
      if (sha !== undefined) return { kind: "invalid", message: "`sha` is given twice" };
      if (!/^[0-9a-f]{7,40}$/i.test(value))
        return { kind: "invalid", message: `\`sha\` must be a commit id of 7 to 40 hex digits, got ${quote(value)}` };
      sha = value.toLowerCase();
      continue;
    }
    const field = KEYS[key.toLowerCase()];
    if (!field) {
      const guess = didYouMean(key, Object.keys(KEYS));
      return {
        kind: "invalid",
        message: `unknown setting ${quote(key)}${guess ? ` (did you mean \`${guess}\`?)` : ""}; settings: ${allowedKeys()}`,
      };
    }
    if (field in raw) return { kind: "invalid", message: `${quote(key)} is given twice` };
    if (INTEGER_KEYS.has(field)) {
      if (!/^\d{1,10}$/.test(value))
        return { kind: "invalid", message: `${quote(key)} must be a whole number, got ${quote(value)}` };
      raw[field] = Number(value);
    } else raw[field] = value;
  }
  const parsed = overridesSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const field = String(i.path[0]);
    return { kind: "invalid", message: `${quote(field)}: ${describeIssue(i)} (got ${quote(String(raw[field]))})` };
  }
  return { kind: verb === "restart" ? "restart" : "start", overrides: parsed.data, ...(sha ? { sha } : {}) };
}

function describeIssue(i: z.core.$ZodIssue): string {
  if (i.code === "invalid_value") return `must be one of ${i.values.map((v) => `\`${String(v)}\``).join(", ")}`;
  if (i.code === "too_small") return `must be at least ${i.minimum}`;
  if (i.code === "too_big") return `must be at most ${i.maximum}`;
  return i.message;
}

function allowedKeys(): string {
  return "`strategy`, `max-trials`, `parallel`, `rounds`, `seed`, `config`, `compare`, `repeats`, `warm-start`, `sha`";
}

export const HELP = `**matrix-tune** commands (the first line of a comment):

| command | what it does |
| --- | --- |
| \`/tune\` | tune this pull request's head commit with the repository's config |
| \`/tune key=value …\` | the same, with settings changed for this study: ${allowedKeys()} |
| \`/tune status\` | where this pull request's study stands |
| \`/tune stop\` | end the running study after its current round |
| \`/tune restart [key=value …]\` | cancel the running study and start a new one |
| \`/tune help\` | this list |

Settings: \`strategy\` (${STRATEGY_NAMES.join(", ")}), \`max-trials\` (1–10000), \`parallel\` (trials per round, 1–256), \`rounds\` (most rounds), \`seed\`, \`config\` (path of a tuning config), \`compare\` (\`base\`: against the base branch's latest study, \`off\`), \`repeats\` (runs per configuration with different seeds, 1–20, so the comparison can tell a gain from noise), \`warm-start\` (\`base\`: round 1 re-runs the base branch's best configurations and the strategy learns from its study, \`off\`: start from scratch), \`sha\` (the head commit you reviewed, at least 7 hex digits: required for a pull request from a fork, refused if the head has moved).
Only collaborators with the configured permission can start a study; one study runs per pull request at a time.`;
