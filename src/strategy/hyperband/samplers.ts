import { bayesProposer } from "../bayes/index.ts";
import { randomProposer } from "../random.ts";
import type { Proposer } from "../strategy.ts";
import { tpeProposer } from "../tpe/index.ts";

/** Where hyperband's new configurations come from: uniform, or a model of the results so far (BOHB). */
export const SAMPLERS = {
  random: randomProposer,
  bayes: bayesProposer,
  tpe: tpeProposer,
} satisfies Record<string, Proposer>;
export type SamplerName = keyof typeof SAMPLERS;
export const SAMPLER_NAMES = Object.keys(SAMPLERS) as [SamplerName, ...SamplerName[]];
