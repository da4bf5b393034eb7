// The release notes of a version tag: CHANGELOG.md's section for it, printed
// for `gh release create --notes-file`. Run by the release workflow as
//   npx tsx scripts/release-notes.ts v1.2.3 > notes.md
// in the repository root; it fails, saying what to fix, when the tag is not a
// release version, package.json holds another version, or the changelog has no
// section (or an empty one) for it — a release is never made with made-up notes.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export interface Release {
  /** `1.2.3`, or `Unreleased`. */
  version: string;
  /** The section's text under its heading, trimmed; link definitions left out. */
  notes: string;
}

const HEADING = /^## \[([^\]]+)\](?: - \d{4}-\d{2}-\d{2})?[ \t]*$/;
const LINK_DEFINITION = /^\[[^\]]+\]: \S+[ \t]*$/;
const RELEASE_TAG = /^v(\d+\.\d+\.\d+)$/;

/** Every `## [version]` section of a Keep a Changelog file, in file order (newest first). */
export function changelogReleases(text: string): Release[] {
  const releases: Release[] = [];
  let lines: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading) {
      lines = [];
      releases.push({ version: heading[1]!, notes: "" });
    } else if (/^## /.test(line)) {
      throw new Error(`CHANGELOG.md: "${line}" is not a "## [1.2.3] - YYYY-MM-DD" or "## [Unreleased]" heading`);
    } else if (lines && !LINK_DEFINITION.test(line)) {
      lines.push(line);
      releases.at(-1)!.notes = lines.join("\n").trim();
    }
  }
  return releases;
}

/** The released versions (not Unreleased), newest first. */
export function releasedVersions(text: string): string[] {
  return changelogReleases(text)
    .map((r) => r.version)
    .filter((v) => v !== "Unreleased");
}

/** The notes for tag `v1.2.3`, checked against package.json's version; throws what to fix. */
export function releaseNotes(tag: string, changelog: string, packageVersion: string): string {
  const version = RELEASE_TAG.exec(tag)?.[1];
  if (!version) throw new Error(`tag "${tag}" is not a release tag: expected vMAJOR.MINOR.PATCH, e.g. v1.2.3`);
  if (packageVersion !== version)
    throw new Error(
      `package.json's version is ${packageVersion}, the tag ${tag}: set it to ${version} (and the CLI's .version() in src/cli/main.ts), then tag that commit`,
    );
  const release = changelogReleases(changelog).find((r) => r.version === version);
  if (!release)
    throw new Error(
      `CHANGELOG.md has no section "## [${version}] - YYYY-MM-DD": move the Unreleased entries under one before tagging`,
    );
  if (!release.notes) throw new Error(`CHANGELOG.md's section for ${version} is empty: say what changed`);
  return release.notes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tag = process.argv[2] ?? "";
  try {
    const version = JSON.parse(readFileSync("package.json", "utf8")).version;
    process.stdout.write(`${releaseNotes(tag, readFileSync("CHANGELOG.md", "utf8"), version)}\n`);
  } catch (e) {
    process.stderr.write(`release-notes: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
