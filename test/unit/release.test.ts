/**
 * What a release rests on: the notes the release workflow takes from
 * CHANGELOG.md (scripts/release-notes.ts, run as the workflow runs it, on real
 * files), one version in package.json, the changelog and the CLI, every
 * reference to the Action on that version's major tag, and Marketplace
 * metadata GitHub's own action parser accepts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { NoOperationTraceWriter } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/index";
import { releaseNotes as notesFor, releasedVersions } from "../../scripts/release-notes.ts";
import { ROOT, runCli } from "../helpers/cli.ts";

const CHANGELOG = `# Changelog

Intro text that belongs to no release.

## [Unreleased]

### Added

- Something not yet released.

## [1.2.3] - 2026-12-24

### Fixed

- The fix in 1.2.3.

## [1.2.2] - 2026-11-01

- The fix in 1.2.2.

## [1.0.0] - 2026-10-01

[Unreleased]: https://github.com/matrix-tune/matrix-tune/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/matrix-tune/matrix-tune/releases/tag/v1.2.3
`;

/** scripts/release-notes.ts as the workflow runs it (`npx tsx`), in `cwd`. */
const script = (tag: string, cwd: string) =>
  spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), join(ROOT, "scripts/release-notes.ts"), tag], {
    cwd,
    encoding: "utf8",
  });

/** The script in a folder holding this changelog and a package.json of this version. */
function releaseNotes(tag: string, files: { changelog?: string; version?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mt-release-"));
  writeFileSync(join(dir, "CHANGELOG.md"), files.changelog ?? CHANGELOG);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "matrix-tune", version: files.version ?? "1.2.3" }));
  try {
    return script(tag, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("scripts/release-notes.ts", () => {
  it("prints the tag's section of the changelog, without other sections or link definitions", () => {
    const r = releaseNotes("v1.2.3");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "### Fixed\n\n- The fix in 1.2.3.\n");
    assert.equal(releaseNotes("v1.2.2", { version: "1.2.2" }).stdout, "- The fix in 1.2.2.\n");
  });

  it("fails, saying what to fix, for a version the changelog has no section for", () => {
    const r = releaseNotes("v1.3.0", { version: "1.3.0" });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /CHANGELOG\.md has no section "## \[1\.3\.0\] - YYYY-MM-DD": move the Unreleased entries/);
  });

  it("fails for an empty section, a tag package.json does not hold, and a tag that is not a release", () => {
    assert.match(releaseNotes("v1.0.0", { version: "1.0.0" }).stderr, /section for 1\.0\.0 is empty/);
    assert.match(
      releaseNotes("v1.2.3", { version: "1.2.2" }).stderr,
      /package\.json's version is 1\.2\.2, the tag v1\.2\.3: set it to 1\.2\.3/,
    );
    const r = releaseNotes("v1.2.3-rc.1");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not a release tag: expected vMAJOR\.MINOR\.PATCH/);
    for (const tag of ["1.2.3", "v1.2", "v1.2.3.4", "Unreleased", ""])
      assert.throws(() => notesFor(tag, CHANGELOG, "1.2.3"), /is not a release tag/, tag);
  });

  it("refuses a changelog heading it cannot read rather than skipping a release", () => {
    const r = releaseNotes("v1.2.3", { changelog: `${CHANGELOG}\n## 1.1.0 - 2026-09-01\n\n- Old.\n` });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /"## 1\.1\.0 - 2026-09-01" is not a "## \[1\.2\.3\] - YYYY-MM-DD" or "## \[Unreleased\]" heading/,
    );
  });
});

describe("this repository's version", () => {
  const version: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
  const changelog = readFileSync(join(ROOT, "CHANGELOG.md"), "utf8");
  const released = releasedVersions(changelog);
  const major = `v${version.split(".")[0]}`;

  it("package.json holds the changelog's latest release, whose notes the release workflow would publish", () => {
    assert.equal(released[0], version);
    const r = script(`v${version}`, ROOT);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^### Added$/m);
  });

  it("the changelog keeps an Unreleased section on top, releases newest first", () => {
    assert.match(changelog, /^## \[Unreleased\]$/m);
    const order = released.map((v) => v.split(".").map(Number) as [number, number, number]);
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1]!, order[i]!];
      assert.ok(a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2]))), `${released}`);
    }
  });

  it("the CLI says the same version", async () => {
    const r = await runCli(["--version"]);
    assert.equal(r.stdout.trim(), version);
  });

  it(`every reference to the Action or its reusable workflow is on the major tag (${major})`, () => {
    const files = [
      "README.md",
      "SECURITY.md",
      "action.yml",
      ...["docs", "examples", ".github/workflows"].flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
          .filter((f) => /\.(md|ya?ml)$/.test(f))
          .map((f) => join(dir, f)),
      ),
    ];
    const refs = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), "utf8").matchAll(/matrix-tune\/matrix-tune(?:\/[\w./-]+)?@([\w.-]+)/g)].map(
        (m) => ({ file, ref: m[1]! }),
      ),
    );
    assert.ok(refs.length >= 10, `found ${refs.length}`);
    for (const { file, ref } of refs) assert.equal(ref, major, `${file} references @${ref}`);
  });
});

describe("action.yml for the Marketplace", () => {
  const content = readFileSync(join(ROOT, "action.yml"), "utf8");
  const errors = (text: string) =>
    parseAction({ name: "action.yml", content: text }, new NoOperationTraceWriter())
      .context.errors.getErrors()
      .map((e) => e.message);

  it("passes GitHub's action parser, branding included", () => {
    assert.deepEqual(errors(content), []);
    assert.match(content, /^branding:\n {2}icon: [\w-]+\n {2}color: [\w-]+$/m);
  });

  it("the parser refuses an icon or color the Marketplace does not offer", () => {
    const icon = content.match(/^ {2}icon: (.+)$/m)![1]!;
    assert.match(errors(content.replace(`icon: ${icon}`, "icon: coffee")).join(), /Unexpected value 'coffee'/);
    assert.match(errors(content.replace(/color: .+/, "color: pink")).join(), /Unexpected value 'pink'/);
  });
});
