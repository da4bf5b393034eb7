import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { ROOT } from "../helpers/cli.ts";

it("dist/ is what `npm run build` makes from the current source (GitHub runs dist/ as committed)", () => {
  const out = mkdtempSync(join(tmpdir(), "mt-dist-"));
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--outdir", out], { cwd: ROOT });
  const built = readdirSync(out).sort();
  assert.deepEqual(readdirSync(join(ROOT, "dist")).sort(), built);
  for (const f of built)
    assert.ok(
      readFileSync(join(out, f)).equals(readFileSync(join(ROOT, "dist", f))),
      `dist/${f} is stale: run npm run build and commit dist/`,
    );
});
