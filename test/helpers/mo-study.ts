/** Multi-objective studies for report tests: planned by the engine, each run's metrics from a function. */
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";

/** A run's metrics (every objective and constraint), or "fail". `member` is its repeat / fold index (0 without). */
export type Measure = (params: Trial["params"], member: number, trialId: number) => Record<string, number> | "fail";

/** The study of `config` run until it stops, each run recorded as the trial runner would (value = first objective). */
export function moStudy(config: Config, measure: Measure): Study {
  let study = createStudy(config);
  for (;;) {
    const plan = planRound(config, study);
    if (plan.kind === "done") return plan.study;
    study = plan.study;
    for (const r of plan.runs) {
      const metrics = measure(study.trials[r.trialId]!.params, r.member ?? 0, r.trialId);
      const common = {
        trialId: r.trialId,
        attempt: r.attempt,
        ...(r.member !== undefined ? { member: r.member } : {}),
        durationMs: 1000,
        exitCode: 0,
        signal: null,
        intermediate: [],
        logTail: "",
      };
      study = recordAttempt(
        study,
        metrics === "fail"
          ? { ...common, status: "failed", reason: "exited with code 1", exitCode: 1, metrics: {} }
          : { ...common, status: "succeeded", value: metrics[config.objective[0].metric]!, metrics },
      );
    }
  }
}
