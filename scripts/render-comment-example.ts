/**
 * Regenerates the rendered PR comments in docs/: an example's whole study run
 * through the bundled Action (dist/, so build first) against the loopback
 * GitHub API of the tests, and the comment it left.
 *
 *   node --import tsx scripts/render-comment-example.ts [digits|warm-start|multi-objective|hyperband ...]
 *
 * With no names, every example below.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GitHubPlayer, pullRequestEvent } from "../test/helpers/github-play.ts";
import { startFakeGitHub } from "../test/helpers/github-server.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Example {
  config: string;
  doc: string;
  title: string;
  /** What the study is, for the paragraph above the comment. */
  about: string;
  /** Settings appended to the config: the pull request's study runs with them. */
  extra?: string;
  /** A study of the same config on the base branch first, which the pull request's starts from. */
  onMain?: boolean;
  /** Each trial job's runner time, simulated: setup and trial seconds. */
  jobSeconds?: { setup: number; trial: number };
  /** Files written into the repository instead of copying the digits example: path → text. */
  files?: Record<string, string>;
}

/**
 * A synthetic model for the multi-objective example: latency and accuracy
 * both grow with its size, memory with its width; each seed (repeat) adds a
 * small deterministic wobble, so the comparison has noise to measure. The
 * pull request's variant ("fused", set by its config's env) is faster at
 * every size.
 */
const SYNTHETIC_MODEL = `const arg = (name) => Number(process.argv.find((a) => a.startsWith(\`--\${name}=\`)).split("=")[1]);
const width = arg("width");
const depth = arg("depth");
const seed = Number(process.env.TUNE_SEED ?? 0);
const size = width * depth;
const wobble = (k) => Math.sin(seed * 12.9898 + size * 78.233 + k * 37.719);
const perUnit = process.env.MODEL_VARIANT === "fused" ? 0.05 : 0.08;
const latency = 2 + size * perUnit + 0.15 * wobble(1);
const accuracy = 0.98 - 0.3 / (1 + size / 40) + 0.002 * wobble(2);
const memory = 0.5 + width * 0.05;
console.log(\`final latency_ms=\${latency.toFixed(3)} accuracy=\${accuracy.toFixed(4)} memory_gb=\${memory.toFixed(2)}\`);
`;

const SYNTHETIC_CONFIG = `name: latency-accuracy
command: [node, model.mjs, "--width=\${width}", "--depth=\${depth}"]
objective:
  - {metric: latency_ms, goal: minimize}
  - {metric: accuracy, goal: maximize}
constraints:
  - {metric: memory_gb, max: 4}
select: {metric: accuracy, subject_to: [{metric: latency_ms, max: 12}]}
parameters:
  width: {type: int, min: 8, max: 96}
  depth: {type: int, min: 1, max: 6}
strategy: random
seed: 0
repeats: 2
budget:
  max_trials: 16
  parallel: 8
`;

const EXAMPLES: Record<string, Example> = {
  digits: {
    config: "examples/digits-mlp/tune.yml",
    doc: "docs/pr-comment-example.md",
    title: "A rendered PR comment",
    about: "the digits example (bayes, one trial per configuration)",
  },
  "warm-start": {
    config: "examples/digits-mlp/tune.yml",
    doc: "docs/pr-comment-warm-start-example.md",
    title: "A rendered PR comment: warm start and cost",
    about:
      "the digits example after a study on the base branch (the pull request's study starts from it), with 12 trials, trial jobs that spend 4 minutes setting up and 1 training, a budget of 45 runner-minutes and a price",
    extra: "runs_on: [self-hosted, gpu]\ncost: {per_minute: {gpu: 0.07}}\n",
    onMain: true,
    jobSeconds: { setup: 240, trial: 60 },
  },
  "multi-objective": {
    config: "examples/latency-accuracy/tune.yml",
    doc: "docs/pr-comment-multi-objective-example.md",
    title: "A rendered PR comment: several objectives",
    about:
      "a synthetic model with two objectives (latency down, accuracy up), a memory constraint and a `select:` rule, 2 repeats per trial, after a study on the base branch; the pull request makes the model faster at every size (its config sets `MODEL_VARIANT: fused`)",
    extra: "env: {MODEL_VARIANT: fused}\n",
    onMain: true,
    files: {
      "examples/latency-accuracy/tune.yml": SYNTHETIC_CONFIG,
      "examples/latency-accuracy/model.mjs": SYNTHETIC_MODEL,
    },
  },
  hyperband: {
    config: "examples/digits-mlp/hyperband.yml",
    doc: "docs/pr-comment-hyperband-example.md",
    title: "A rendered PR comment: hyperband",
    about:
      "the digits example with hyperband (epochs as the resource, promoted trials resuming their parent's checkpoint)",
  },
};

async function render(example: Example): Promise<void> {
  const repo = mkdtempSync(join(tmpdir(), "mt-repo-"));
  if (example.files)
    for (const [path, text] of Object.entries(example.files)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
  else
    cpSync(join(ROOT, "examples/digits-mlp"), join(repo, "examples/digits-mlp"), {
      recursive: true,
      filter: (p) => !p.includes(".matrix-tune"),
    });
  const gh = await startFakeGitHub();
  if (example.onMain) {
    const main = new GitHubPlayer(gh, repo, example.config, "main");
    const done = await main.untilDone({ inputs: {}, event: { ref: "refs/heads/main" } }, 20);
    main.publish(done.runId, "main");
  }
  if (example.extra) {
    const file = join(repo, example.config);
    writeFileSync(
      file,
      `${readFileSync(file, "utf8").replace("max_trials: 24", "max_trials: 12\n  max_runner_minutes: 45")}${example.extra}`,
    );
  }
  // Later rounds are dispatched and read the pull request from the API.
  gh.addPull({ number: 7, head: { ref: "feature/better-model" }, base: { ref: "main" } });
  const play = new GitHubPlayer(gh, repo, example.config);
  const seconds = example.jobSeconds;
  if (seconds)
    play.jobTimes = (_entry, runs) => {
      // Each job starts an hour after the last, so the times read as distinct jobs.
      const start = Date.parse("2026-11-30T08:00:00Z") + runs[0]!.trial * 3_600_000;
      const end = start + (seconds.setup + seconds.trial * runs.length) * 1000;
      return { started_at: new Date(start).toISOString(), completed_at: new Date(end).toISOString() };
    };
  await play.untilDone({ inputs: {}, event: pullRequestEvent(7) }, 20);
  const comment = gh.comments.find((c) => c.issue_number === 7)?.body ?? "";
  await gh.close();
  writeFileSync(
    join(ROOT, example.doc),
    `# ${example.title}

What the report job posted on a pull request for ${example.about}.
The bundled Action ran the study in ${play.runs.length} workflow runs against the loopback GitHub API
of the end-to-end tests (\`node --import tsx scripts/render-comment-example.ts\` regenerates it).
GitHub renders the mermaid blocks as charts. Everything below the line is the comment.

---

${comment.replace(/^<!--.*-->\n/, "")}`,
  );
  console.log(
    `wrote ${example.doc} (${comment.length} characters, ${play.runs.length} rounds, ${gh.requests.length} REST calls)`,
  );
}

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(EXAMPLES)) {
  const example = EXAMPLES[name];
  if (!example) throw new Error(`no example "${name}": one of ${Object.keys(EXAMPLES).join(", ")}`);
  await render(example);
}
