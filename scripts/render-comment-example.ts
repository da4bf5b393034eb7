/**
 * Regenerates the rendered PR comments in docs/: an example's whole study run
 * through the bundled Action (dist/, so build first) against the loopback
 * GitHub API of the tests, and the comment it left.
 *
 *   node --import tsx scripts/render-comment-example.ts [digits|hyperband ...]
 *
 * With no names, every example below.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GitHubPlayer } from "../test/helpers/github-play.ts";
import { startFakeGitHub } from "../test/helpers/github-server.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Example {
  config: string;
  doc: string;
  title: string;
  /** What the study is, for the paragraph above the comment. */
  about: string;
}

const EXAMPLES: Record<string, Example> = {
  digits: {
    config: "examples/digits-mlp/tune.yml",
    doc: "docs/pr-comment-example.md",
    title: "A rendered PR comment",
    about: "the digits example (bayes, one trial per configuration)",
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
  cpSync(join(ROOT, "examples/digits-mlp"), join(repo, "examples/digits-mlp"), {
    recursive: true,
    filter: (p) => !p.includes(".matrix-tune"),
  });
  const gh = await startFakeGitHub();
  const play = new GitHubPlayer(gh, repo, example.config);
  await play.untilDone({ inputs: {}, event: { number: 7, pull_request: { number: 7 } } });
  const comment = gh.comments[0]?.body ?? "";
  await gh.close();
  writeFileSync(
    join(ROOT, example.doc),
    `# ${example.title}

What the report job posted on a pull request for ${example.about}.
The bundled Action ran the study in ${play.runs.length} workflow runs against the loopback GitHub API
of the end-to-end tests (\`node --import tsx scripts/render-comment-example.ts\` regenerates it).
GitHub renders the mermaid blocks as line charts. Everything below the line is the comment.

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
