/**
 * Parameter importance in a report: which parameters the objective depends
 * on, as shares of its variance (src/importance), in a ranked table and a bar
 * chart, with the trials they come from and a note when those are too few for
 * the numbers to mean much.
 */
import type { Config } from "../config/schema.ts";
import { type Importance, importanceOf, MIN_TRIALS, roughParameters } from "../importance/importance.ts";
import { scoreTrial } from "../pareto/scores.ts";
import type { Trial } from "../protocol/trial.ts";
import { buildSpace } from "../space/space.ts";
import type { Study } from "../study/schema.ts";
import { searchTrials } from "../study/study.ts";
import { metricCode } from "./front.ts";
import { mermaidText } from "./front-chart.ts";
import { mdTable } from "./md-table.ts";

export interface ImportanceView {
  /** One per objective, in the config's order. */
  readonly objectives: readonly { readonly metric: string; readonly importance: Importance }[];
  /** ` at epochs 9` for a study with a resource, else "". */
  readonly at: string;
  /** The finished search trials that were compared. */
  readonly ids: readonly number[];
}

/**
 * The finished search trials whose values can be compared: with a resource
 * (hyperband), those of the largest level that enough trials ran at (a value
 * after 1 epoch and one after 27 say different things), else all. Enough: two
 * per parameter and at least MIN_TRIALS (the hyperband example's 8 trials at
 * the top level for 6 parameters gave spreads of ±50%), else the level most
 * trials ran at.
 */
function comparableTrials(config: Config, study: Study): { trials: Trial[]; at: string } {
  const done = searchTrials(study).filter((t) => scoreTrial(config, t) !== undefined);
  const counts = new Map<number | undefined, number>();
  for (const t of done) counts.set(t.resource, (counts.get(t.resource) ?? 0) + 1);
  if (counts.size < 2 || !config.resource) return { trials: done, at: "" };
  const enough = Math.max(MIN_TRIALS, 2 * Object.keys(config.parameters).length);
  const most = Math.max(...counts.values());
  const levels = [...counts.entries()].filter(([, n]) => n >= Math.min(enough, most)).map(([r]) => r ?? 0);
  const level = Math.max(...levels);
  return { trials: done.filter((t) => (t.resource ?? 0) === level), at: ` at ${config.resource.name} ${level}` };
}

/**
 * The last view of each study, by the study and config objects: the summary,
 * the comment and the report page of one round all show the same importance,
 * and each computation fits several models. Studies are never mutated (every
 * change makes a new object), so the same objects mean the same answer.
 */
const views = new WeakMap<Study, { config: Config; view: ImportanceView | undefined }>();

export function importanceView(config: Config, study: Study): ImportanceView | undefined {
  const known = views.get(study);
  if (known?.config === config) return known.view;
  const view = computeView(config, study);
  views.set(study, { config, view });
  return view;
}

function computeView(config: Config, study: Study): ImportanceView | undefined {
  const { trials, at } = comparableTrials(config, study);
  const space = buildSpace(config.parameters);
  const objectives = config.objective.flatMap((o, k) => {
    const importance = importanceOf(
      space,
      trials,
      trials.map((t) => scoreTrial(config, t)!.values[k]!),
      study.seed,
    );
    return importance ? [{ metric: o.metric, importance }] : [];
  });
  if (!objectives.length || !objectives[0]!.importance.parameters.length) return undefined;
  return { objectives, at, ids: trials.map((t) => t.id) };
}

/** Which trials the model was fitted to: "the 24 finished trials", "a random 300 of the 2000 finished trials at epochs 27". */
export function importanceBasis(view: ImportanceView): string {
  const fitted = view.objectives[0]!.importance.trials;
  return fitted < view.ids.length
    ? `a random ${fitted} of the ${view.ids.length} finished trials${view.at}`
    : `the ${fitted} finished trials${view.at}`;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;
const withSpread = (x: number, spread: number) => `${pct(x)} ± ${pct(spread)}`;

/** The ranked table (by the first objective) and what it rests on; with `chart`, a mermaid bar chart too. */
export function importanceSection(config: Config, study: Study, { chart = true } = {}): string | undefined {
  const view = importanceView(config, study);
  if (!view) return undefined;
  const [first, ...others] = view.objectives;
  const ranked = first!.importance.parameters;
  const several = view.objectives.length > 1;
  const header = several
    ? ["parameter", ...view.objectives.map((o) => `${o.metric}: total`)]
    : ["parameter", "total", "alone"];
  const rows = ranked.map((p) => {
    if (!several) return [p.name, withSpread(p.total, p.totalSpread), withSpread(p.first, p.firstSpread)];
    const cells = [first!, ...others].map((o) => {
      const q = o.importance.parameters.find((x) => x.name === p.name)!;
      return withSpread(q.total, q.totalSpread);
    });
    return [p.name, ...cells];
  });
  const of = several ? "each objective" : metricCode(first!.metric);
  const basis = importanceBasis(view);
  const intro = `Share of the variance of ${of} that each parameter explains (functional ANOVA of a Gaussian process fitted to ${basis}): **total** counts its interactions with the other parameters${several ? "; " : ", **alone** does not; "}± is the spread over bootstrap refits.`;
  return [
    "### Parameter importance",
    intro,
    mdTable([header, ...rows]),
    chart ? importanceChart(first!.metric, first!.importance) : undefined,
    several ? undefined : pairsLine(first!.importance),
    roughNote(view),
  ]
    .filter((p): p is string => p !== undefined)
    .join("\n\n");
}

/** Total shares of the first objective's variance as bars, most important first. */
function importanceChart(metric: string, imp: Importance): string {
  return [
    "```mermaid",
    "xychart-beta",
    `  title "Importance for ${mermaidText(metric)}"`,
    `  x-axis [${imp.parameters.map((p) => p.name).join(", ")}]`,
    '  y-axis "% of variance (total)" 0 --> 100',
    `  bar [${imp.parameters.map((p) => Math.round(100 * p.total)).join(", ")}]`,
    "```",
  ].join("\n");
}

/**
 * The pairs among the most important parameters whose interaction explains at
 * least 5%: below that it is within the estimates' own error.
 */
function pairsLine(imp: Importance): string | undefined {
  const shown = imp.pairs.filter((p) => p.interaction >= 0.05);
  if (!shown.length) return undefined;
  return `Pairs that explain more together than apart: ${shown
    .map(
      (p) =>
        `\`${p.names[0]}\` × \`${p.names[1]}\` ${pct(p.closed)} together, ${pct(p.interaction)} by their interaction`,
    )
    .join(" · ")}.`;
}

function roughNote(view: ImportanceView): string | undefined {
  const rough = new Set(view.objectives.flatMap((o) => roughParameters(o.importance).map((p) => p.name)));
  if (!rough.size) return undefined;
  const n = view.objectives[0]!.importance.trials;
  return `_With ${n} trials these numbers are rough: for ${rough.size} of the parameters (${[...rough].join(", ")}) the bootstrap spread is more than half the share itself. More trials will firm them up._`;
}
