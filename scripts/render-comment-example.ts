/**
 * Regenerates docs/pr-comment-example.md: the digits example's whole study run
 * through the bundled Action against the loopback GitHub API of the tests, and
 * the PR comment it left. Run: node --import tsx scripts/render-comment-example.ts
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GitHubPlayer } from "../test/helpers/github-play.ts";
import { startFakeGitHub } from "../test/helpers/github-server.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const repo = mkdtempSync(join(tmpdir(), "mt-repo-"));
cpSync(join(ROOT, "examples/digits-mlp"), join(repo, "examples/digits-mlp"), {
  recursive: true,
  filter: (p) => !p.includes(".matrix-tune"),
});
const gh = await startFakeGitHub();
const play = new GitHubPlayer(gh, repo, "examples/digits-mlp/tune.yml");
await play.untilDone({ inputs: {}, event: { number: 7, pull_request: { number: 7 } } });
const comment = gh.comments[0]?.body ?? "";
await gh.close();
writeFileSync(
  join(ROOT, "docs/pr-comment-example.md"),
  `# A rendered PR comment

What the report job posted on a pull request for the digits example (24 trials in
6 rounds of 4), produced by the bundled Action against the loopback GitHub API of the
end-to-end tests (\`node --import tsx scripts/render-comment-example.ts\` regenerates it).
GitHub renders the mermaid block as a line chart. Everything below the line is the comment.

---

${comment.replace(/^<!--.*-->\n/, "")}`,
);
console.log(
  `wrote docs/pr-comment-example.md (${comment.length} characters, ${play.runs.length} rounds, ${gh.requests.length} REST calls)`,
);
