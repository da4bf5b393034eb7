/**
 * The published artifact, not the checkout: `npm pack` (whose `prepack` builds
 * dist/), the tarball installed into a fresh project outside this repository
 * with no registry, and the CLI run there through `npx` on a study of its own.
 *
 * The pack runs in a copy of this checkout without dist/, so the tarball's
 * bundle can only come from `prepack` (the path `npm publish` and a Git URL
 * install take), and packing never rewrites the checkout's own dist/.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT } from "../helpers/cli.ts";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** npm or npx with this test's own cache and settings: none of the calling `npm test`'s, no ~/.npmrc, no network. */
function npm(bin: "npm" | "npx", args: string[], cwd: string, home: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync(bin, args, {
    cwd,
    encoding: "utf8",
    env: {
      ...env,
      CI: "true",
      npm_config_cache: join(home, "cache"),
      npm_config_userconfig: join(home, "npmrc"),
      npm_config_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    },
  });
  assert.equal(r.status, 0, `${bin} ${args.join(" ")} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** What a clean clone holds, less dist/ (prepack makes it), with this checkout's node_modules for the build. */
function stageCheckout(): string {
  const stage = mkdtempSync(join(tmpdir(), "mt-stage-"));
  const skip = new Set(["node_modules", ".git", ".matrix-tune"]);
  cpSync(ROOT, stage, {
    recursive: true,
    filter: (src) => !skip.has(basename(src)) && resolve(src) !== resolve(ROOT, "dist"),
  });
  symlinkSync(join(ROOT, "node_modules"), join(stage, "node_modules"));
  return stage;
}

describe("the npm package, packed and installed in another project", () => {
  const home = mkdtempSync(join(tmpdir(), "mt-npm-"));
  const user = mkdtempSync(join(tmpdir(), "mt-user-"));
  const stage = stageCheckout();
  let packed: { filename: string; files: { path: string }[] };

  before(() => {
    assert.equal(existsSync(join(stage, "dist")), false);
    [packed] = JSON.parse(npm("npm", ["pack", "--json", "--pack-destination", home], stage, home));
    writeFileSync(join(user, "package.json"), `${JSON.stringify({ name: "my-model", private: true }, null, 2)}\n`);
    npm("npm", ["install", "--save-dev", join(home, packed.filename)], user, home);
  });
  after(() => {
    for (const dir of [stage, home, user]) rmSync(dir, { recursive: true, force: true });
  });

  it("holds the bundle, schema, action and notices, and no sources or tests", () => {
    const paths = packed.files.map((f) => f.path).sort();
    for (const wanted of [
      "dist/cli.js",
      "dist/cli.bundle.js",
      "dist/action.js",
      "dist/licenses.txt",
      "dist/viewer.js",
      "python/matrix_tune.py",
      "schema/tune.schema.json",
      "action.yml",
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
      "package.json",
    ])
      assert.ok(paths.includes(wanted), `${wanted} is not in the tarball: ${paths}`);
    for (const path of paths)
      assert.doesNotMatch(path, /^(src|test|bench|examples|scripts|docs|node_modules|\.github|\.ci)\//, path);
  });

  it("installs from the tarball alone: no dependency, nothing fetched", () => {
    const installed = JSON.parse(readFileSync(join(user, "node_modules/matrix-tune/package.json"), "utf8"));
    assert.equal(installed.version, pkg.version);
    assert.equal(installed.dependencies, undefined, "dist/ bundles every runtime dependency");
    assert.deepEqual(
      readdirSync(join(user, "node_modules")).filter((d) => !d.startsWith(".")),
      ["matrix-tune"],
    );
    const devDependencies = JSON.parse(readFileSync(join(user, "package.json"), "utf8")).devDependencies;
    assert.match(devDependencies["matrix-tune"], /^file:.*\.tgz$/);
  });

  it("its bundles import nothing but Node's own modules and each other (the Action runs them without node_modules too)", () => {
    const dist = join(user, "node_modules/matrix-tune/dist");
    const bundles = readdirSync(dist).filter((f) => f.endsWith(".js"));
    const imported = bundles.flatMap((f) =>
      [
        ...readFileSync(join(dist, f), "utf8").matchAll(
          /^import\b[^;"']*?["']([^"']+)["'];$|\b(?:__)?require\("([^"]+)"\)|\bimport\("([^"]+)"\)/gm,
        ),
      ].map((m) => m[1] ?? m[2] ?? m[3]!),
    );
    assert.ok(imported.filter((s) => s.startsWith("node:")).length > 20, `found ${imported.length} imports`);
    const foreign = imported.filter((s) => !isBuiltin(s) && !bundles.includes(s.replace(/^\.\//, "")));
    assert.deepEqual([...new Set(foreign)], []);
  });

  it("exports its package.json and the config's JSON Schema, and nothing else", () => {
    const from = (what: string) =>
      spawnSync(process.execPath, ["-p", `require.resolve(${JSON.stringify(what)})`], { cwd: user, encoding: "utf8" });
    const schema = from("matrix-tune/schema/tune.schema.json");
    assert.equal(schema.stdout.trim(), join(user, "node_modules/matrix-tune/schema/tune.schema.json"), schema.stderr);
    assert.ok(JSON.parse(readFileSync(schema.stdout.trim(), "utf8")).properties.parameters);
    assert.equal(from("matrix-tune/package.json").stdout.trim(), join(user, "node_modules/matrix-tune/package.json"));
    assert.match(from("matrix-tune/dist/cli.bundle.js").stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it("runs validate, plan and run with npx in that project", () => {
    writeFileSync(
      join(user, "train.mjs"),
      [
        'import { readFileSync, writeFileSync } from "node:fs";',
        'const { x, depth } = JSON.parse(readFileSync(process.env.TUNE_PARAMS_FILE, "utf8"));',
        "writeFileSync(process.env.TUNE_METRICS_FILE, JSON.stringify({ loss: (x - 0.3) ** 2 + depth / 100 }));",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(user, "tune.yml"),
      [
        "# yaml-language-server: $schema=node_modules/matrix-tune/schema/tune.schema.json",
        "name: my-model",
        "command: [node, train.mjs]",
        "objective: {metric: loss, goal: minimize}",
        "parameters:",
        "  x: {type: float, min: 0, max: 1}",
        "  depth: {type: int, min: 1, max: 4}",
        "strategy: random",
        "seed: 1",
        "budget: {max_trials: 6, parallel: 3}",
        "",
      ].join("\n"),
    );
    const npx = (args: string[]) => npm("npx", ["matrix-tune", ...args], user, home);

    assert.equal(npx(["--version"]).trim(), pkg.version);
    assert.match(npx(["validate", "tune.yml"]), /tune\.yml: valid[\s\S]*\| x +\| float +\| \[0, 1\]/);
    const plan = JSON.parse(npx(["plan", "tune.yml", "--json"]));
    assert.deepEqual(
      plan.include.map((p: { trial: number }) => p.trial),
      [0, 1, 2],
    );
    const run = npx(["run", "tune.yml"]);
    assert.match(run, /6 trials in 2 rounds, 6 succeeded/);
    const best = JSON.parse(readFileSync(join(user, ".matrix-tune/my-model/best.json"), "utf8"));
    assert.equal(best.study, "my-model");
    assert.equal(typeof best.params.x, "number");
    assert.equal(best.value, (best.params.x - 0.3) ** 2 + best.params.depth / 100);
    // The report page, whose script the package carries beside the bundle.
    assert.match(
      readFileSync(join(user, ".matrix-tune/my-model/report.html"), "utf8"),
      /<title>my-model · matrix-tune/,
    );
  });
});
