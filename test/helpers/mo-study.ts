/** Multi-objective studies for report tests: planned by the engine, each run's metrics from a function. */
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";
import { runAttempt } from "./attempts.ts";
import { configFrom } from "./config.ts";

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
      study = recordAttempt(
        study,
        metrics === "fail"
          ? runAttempt(r.trialId, r.attempt, r.member, "fail")
          : { ...runAttempt(r.trialId, r.attempt, r.member, metrics[config.objective[0].metric]!), metrics },
      );
    }
  }
}

/** Latency down, accuracy up, over one parameter x in [0, 1], searched at random. */
export function latencyAccuracy({
  seed,
  repeats = 1,
  trials,
}: {
  seed: number;
  repeats?: number;
  trials: number;
}): Config {
  return configFrom(`
name: latency-accuracy
command: [x]
objective:
  - {metric: latency_ms, goal: minimize}
  - {metric: accuracy, goal: maximize}
parameters:
  x: {type: float, min: 0, max: 1}
strategy: random
seed: ${seed}
repeats: ${repeats}
budget: {max_trials: ${trials}, parallel: 4}
`);
}

/** a down, b up, c down, over x and y in [0, 1] searched at random; `constraints` is the YAML list, if any. */
export function threeObjectives(trials: number, constraints = "[]"): Config {
  return configFrom(`
name: three
command: [x]
objective:
  - {metric: a, goal: minimize}
  - {metric: b, goal: maximize}
  - {metric: c, goal: minimize}
constraints: ${constraints}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
strategy: random
budget: {max_trials: ${trials}, parallel: 10}
`);
}
