/**
 * What the report page is given to draw (src/report/page-model.ts), and the
 * HTML around it (src/page/html.ts). The page itself is tested in Chromium
 * (test/e2e/report-page.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pageHtml } from "../../src/page/html.ts";
import { frontJson } from "../../src/report/json.ts";
import { pageModel } from "../../src/report/page-model.ts";
import { bestTrial } from "../../src/study/best.ts";
import { configFrom } from "../helpers/config.ts";
import { moStudy, threeObjectives } from "../helpers/mo-study.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const single = (trials: number) =>
  configFrom(`
name: bowl
command: [train]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0.001, max: 1, scale: log}
  opt: {type: categorical, values: [sgd, adam, 32]}
  inert: {type: float, min: 0, max: 1}
  fixed: {type: constant, value: 3}
strategy: random
seed: 5
budget: {max_trials: ${trials}, parallel: 8}
`);

// Best at x = 0.3; y matters less (on its log scale); opt a little; inert not at all.
const bowl = (p: Record<string, unknown>) =>
  20 * (Number(p.x) - 0.3) ** 2 + 0.5 * Math.log10(Number(p.y)) ** 2 + (p.opt === "sgd" ? 0.3 : 0);

describe("the report page's model", () => {
  it("gives every trial as a row, the best so far, importance and the contour of the top two", async () => {
    const config = single(60);
    const { study } = await simulateStudy(config, (t) => bowl(t.params));
    const model = pageModel(config, study);

    assert.equal(model.trials.length, 60);
    assert.deepEqual(
      model.trials.filter((t) => t.best).map((t) => t.id),
      [bestTrial(config, study)!.id],
    );
    const row = model.trials[7]!;
    assert.equal(
      row.values[0],
      study.trials[7]!.attempts[0]!.status === "succeeded" ? bowl(study.trials[7]!.params) : null,
    );
    // Categories as the axis names them (a number among them too); the constant is no axis.
    assert.equal(typeof row.params.opt, "string");
    assert.deepEqual(
      model.parameters.map((a) => [a.name, a.kind === "category" ? a.categories.join() : a.log]),
      [
        ["x", false],
        ["y", true],
        ["opt", "sgd,adam,32"],
        ["inert", false],
      ],
    );

    assert.equal(model.history.kind, "best");
    const best = model.history.points.map(([, v]) => v!);
    for (let i = 1; i < best.length; i++) assert.ok(best[i]! <= best[i - 1]!, "the best so far never gets worse");
    assert.equal(best.at(-1), Math.min(...model.trials.map((t) => t.values[0]!)));

    const ranked = model.importance!.objectives[0]!.parameters.map((p) => p.name);
    assert.equal(ranked[0], "x");
    assert.equal(ranked.at(-1), "inert");
    assert.match(model.importance!.basis, /^the 60 finished trials$/);

    const c = model.contour!;
    assert.deepEqual([c.x.name, c.y.name], [ranked[0], ranked[1]]);
    assert.equal(c.z.length, c.ys.length);
    for (const row of c.z) assert.equal(row.length, c.xs.length);
    assert.equal(c.trials.length, 60);
    // Averaged over the other parameters, the model's loss is lowest near x = 0.3.
    const byColumn = c.xs.map((_, k) => c.z.reduce((s, row) => s + row[k]!, 0));
    const at = c.xs[byColumn.indexOf(Math.min(...byColumn))] as number;
    assert.ok(Math.abs(at - 0.3) < 0.12, `lowest at x = ${at}`);
    // In the objective's units: within the range of the trials' values (a model mean may overshoot a little).
    const values = model.trials.map((t) => t.values[0]!);
    const span = Math.max(...values) - Math.min(...values);
    for (const z of c.z.flat()) assert.ok(z > Math.min(...values) - span && z < Math.max(...values) + span, String(z));
    assert.equal(model.curves, null);
    assert.deepEqual(model.rungs, []);
  });

  it("leaves importance and the contour out while the trials are too few", async () => {
    const config = single(4);
    const { study } = await simulateStudy(config, (t) => bowl(t.params));
    const model = pageModel(config, study);
    assert.equal(model.trials.length, 4);
    assert.equal(model.importance, null);
    assert.equal(model.contour, null);
  });

  it("with several objectives: the front, the chosen trial and the hypervolume so far", () => {
    const config = threeObjectives(30);
    const study = moStudy(config, (p) => {
      const [x, y] = [Number(p.x), Number(p.y)];
      return { a: x, b: y, c: (1 - x) * (1 - y) };
    });
    const model = pageModel(config, study);
    assert.deepEqual(
      model.objectives.map((o) => o.metric),
      ["a", "b", "c"],
    );
    assert.deepEqual(
      model.trials
        .filter((t) => t.front)
        .map((t) => t.id)
        .sort((a, b) => a - b),
      frontJson(config, study)
        .map((m) => m.trial)
        .sort((a, b) => a - b),
    );
    assert.equal(model.trials.find((t) => t.best)?.id, bestTrial(config, study)!.id);
    assert.equal(model.history.kind, "hypervolume");
    const shares = model.history.points.map(([, v]) => v!);
    for (let i = 1; i < shares.length; i++) assert.ok(shares[i]! >= shares[i - 1]!);
    assert.ok(shares.at(-1)! > 0 && shares.at(-1)! <= 1);
    assert.equal(model.importance!.objectives.length, 3);
  });
});

describe("the report page's HTML", () => {
  const model = {
    version: 1,
    study: `a&b "c"`,
    strategy: "random",
    lines: [],
    objectives: [{ metric: "loss", goal: "minimize" }],
    parameters: [{ name: "kind", kind: "category", categories: ["</script><script>alert(1)</script>", "<!--"] }],
    metrics: [],
    resource: null,
    trials: [],
    history: { kind: "best", points: [] },
    importance: null,
    contour: null,
    curves: null,
    rungs: [],
  } as const;

  it("embeds the study as JSON no value can break out of, and allows only the viewer's script", () => {
    const html = pageHtml(model, { text: "void 0;", sha256: "abc=" });
    const data = /<script type="application\/json" id="study-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    assert.ok(!data.includes("<"), "no < inside the data block");
    assert.deepEqual(JSON.parse(data), model);
    assert.equal(html.match(/<script/g)!.length, 2);
    assert.match(html, /content="default-src 'none'; script-src 'sha256-abc='; /);
    assert.match(html, /<title>a&#38;b &#34;c&#34; · matrix-tune<\/title>/);
  });
});
