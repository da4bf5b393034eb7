// The README's test command. It first bundles the current source into a
// temporary directory, once per run, and the end-to-end tests run that bundle
// (MATRIX_TUNE_BUNDLE), so they never test a stale dist/ by accident; that the
// committed dist/ matches the source is test/unit/dist.test.ts's job. Then it
// runs node's test runner on every test, or on the folders named
// (`node scripts/test.mjs unit`, `… e2e`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const folders = process.argv.length > 2 ? process.argv.slice(2) : ["unit", "e2e"];
const files = folders.flatMap((folder) =>
  readdirSync(join("test", folder))
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => join("test", folder, f)),
);
const bundle = mkdtempSync(join(tmpdir(), "mt-bundle-"));
try {
  const built = spawnSync(process.execPath, ["scripts/build.mjs", "--outdir", bundle], { stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
    stdio: "inherit",
    env: { ...process.env, MATRIX_TUNE_BUNDLE: bundle },
  });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(bundle, { recursive: true, force: true });
}
