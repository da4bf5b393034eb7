import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createProgress } from "../../src/local/progress.ts";
import { frontView } from "../../src/report/front.ts";
import type { Study } from "../../src/study/schema.ts";
import { writeStudy } from "../../src/study/store.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";
import { ROOT } from "../helpers/cli.ts";
import { latencyAccuracy, moStudy } from "../helpers/mo-study.ts";

const config = latencyAccuracy({ seed: 2, trials: 8 });
const study = moStudy(config, (p) => ({ latency_ms: 10 * Number(p.x), accuracy: Number(p.x) ** 0.5 }));

describe("a multi-objective study in the terminal", () => {
  it("progress names the front's size and the chosen trial instead of a best value", () => {
    let out = "";
    const progress = createProgress(config, { write: (s: string) => (out += s) }, false);
    // The same results again, one by one, as a run would record them.
    let s: Study = {
      ...createStudy(config),
      rounds: study.rounds,
      trials: study.trials.map((t) => ({ ...t, status: "running", attempts: [] })),
    };
    for (const t of study.trials) {
      s = recordAttempt(s, t.attempts[0]!);
      progress.trialFinished(s, t.attempts[0]!);
    }
    progress.close();
    const view = frontView(config, study);
    const last = out
      .trimEnd()
      .split("\n")
      .filter((l) => l.includes("now chosen"))
      .at(-1)!;
    assert.match(
      last,
      new RegExp(
        `^trial ${view.chosen!.trial.id} latency_ms=.* ★ now chosen \\(front of \\d+ · chosen trial ${view.chosen!.trial.id} \\(latency_ms=`,
      ),
    );
    assert.doesNotMatch(out, /new best/);
  });

  it("matrix-tune report shows the front and its hypervolume instead of the best value so far", () => {
    const dir = mkdtempSync(join(tmpdir(), "mt-front-"));
    const state = join(dir, "state.json");
    writeStudy(state, study);
    const text = execFileSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "report", state], {
      encoding: "utf8",
      cwd: ROOT,
    });
    const view = frontView(config, study);
    assert.match(
      text,
      new RegExp(
        `^front of ${view.front.length} · chosen trial ${view.chosen!.trial.id} \\(latency_ms=[\\d.]+, accuracy=[\\d.]+\\)$`,
        "m",
      ),
    );
    assert.match(text, /^front's hypervolume so far: [▁▂▃▄▅▆▇█ ]+$/m);
    assert.match(text, /^# chosen: trial \d+ of the Pareto front/m);
    assert.doesNotMatch(text, /best latency_ms so far/);
  });
});
