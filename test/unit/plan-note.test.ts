import assert from "node:assert/strict";
import { it } from "node:test";
import { evaluatedAttempt } from "../../src/driver/in-process.ts";
import { planRound } from "../../src/engine/plan.ts";
import { buildSpace, decode } from "../../src/space/space.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { createRng } from "../../src/util/rng.ts";
import { configFrom } from "../helpers/config.ts";

it("bayes says when it hands a large study over to tpe, and the plan carries the note", () => {
  const config = configFrom(`
name: big
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  a: {type: float, min: 0, max: 1}
  b: {type: float, min: 0, max: 1}
strategy: bayes
budget: {max_trials: 3000, parallel: 4}
`);
  const space = buildSpace(config.parameters);
  const rng = createRng(1);
  const params = Array.from({ length: 1501 }, () => decode(space, [rng.next(), rng.next()]));
  let { study } = openRound(
    createStudy(config),
    params.map((p) => ({ params: p })),
    [],
  );
  for (const t of study.trials)
    study = recordAttempt(
      study,
      evaluatedAttempt({ trialId: t.id, attempt: 1 }, Number(t.params.a) + Number(t.params.b)),
    );
  const plan = planRound(config, study);
  assert.equal(plan.kind, "round");
  assert.match(
    plan.kind === "round" ? (plan.note ?? "") : "",
    /bayes hands over to tpe: a Gaussian process over 1501 trials/,
  );
  assert.equal(plan.kind === "round" && plan.runs.length, 4);

  const small = planRound(config, createStudy(config));
  assert.equal(small.kind === "round" && small.note, undefined, "nothing to say for a small study");
});
