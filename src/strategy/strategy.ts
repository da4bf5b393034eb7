/**
 * The one contract every strategy implements, schedulers included: given the
 * space, the study's trials and the room in this round, plan the new trials.
 * Strategies are pure — no clock, no files, no global random state — so the
 * same study and seed give the same plan on every machine. Most strategies only
 * choose configurations (a Proposer, in the spirit of Optuna's samplers);
 * `proposing` makes one of those a strategy, trained at the full resource.
 */

import type { Goals } from "../protocol/objective.ts";
import type { NewTrial, Stop, Trial } from "../protocol/trial.ts";
import type { Resource } from "../space/resource.ts";
import type { Params, Space } from "../space/space.ts";
import type { SamplerName } from "./hyperband/samplers.ts";

/**
 * A result of a related study (warm start, e.g. the base branch's): its
 * configuration mapped into this study's space, and its objective value. It is
 * evidence about where the good region is, never one of this study's results.
 */
export interface PriorTrial {
  readonly params: Params;
  readonly value: number;
}

/**
 * `objective` is every objective (the first is the primary one) and
 * `constraints` the hard limits: a strategy ranks trials through
 * src/pareto/scores.ts, where an infeasible trial is a result that is never
 * best. A strategy with one objective and no constraints must propose exactly
 * what it proposed before lists existed.
 */
export interface ProposeInput extends Goals {
  readonly space: Space;
  /** Every trial so far, including those still pending or running. */
  readonly trials: readonly Trial[];
  /** A related study's results to learn from (warm start); a proposer that cannot use them ignores them. */
  readonly prior?: readonly PriorTrial[];
  /** How many new configurations are wanted (one round). */
  readonly count: number;
  readonly seed: number;
}

/** Chooses configurations; knows nothing of resources, brackets or rounds. */
export interface Proposer {
  /**
   * Up to `count` configurations, distinct from each other and from every trial
   * so far. Fewer than `count` means the space holds no more.
   */
  propose(input: ProposeInput): Params[];
  /** What the user should know about how this round is chosen, when anything (e.g. a fallback). */
  explain?(input: ProposeInput): string | undefined;
}

/** The parts of the config a strategy may read. */
export interface StrategyConfig extends Goals {
  readonly seed: number;
  readonly resource?: Resource | undefined;
  readonly budget: { readonly max_trials: number; readonly retries: number };
  /** A scheduler's source of new configurations (see `usesSampler`). */
  readonly sampler: SamplerName;
}

export interface PlanInput {
  readonly config: StrategyConfig;
  readonly space: Space;
  /** The search's trials so far, with those already chosen for this round as pending. */
  readonly trials: readonly Trial[];
  /** How many new trials the round has room for. */
  readonly room: number;
  /** A related study's results to learn from (warm start). */
  readonly prior?: readonly PriorTrial[];
}

export interface StrategyPlan {
  /** At most `room` new trials; none (and no stop) means the space has no untried configuration left. */
  readonly fresh: NewTrial[];
  /** What the user should know about how this round was chosen. */
  readonly note?: string;
  /** Why the study ends, when the strategy knows better than "exhausted". */
  readonly stop?: Stop;
}

export interface Strategy {
  /** One line for help texts and the config's JSON Schema. */
  readonly summary: string;
  plan(input: PlanInput): StrategyPlan;
  /** Set for strategies that only choose configurations: the proposer itself, for samplers and benchmarks. */
  readonly proposer?: Proposer;
  /** Set when the config must have a resource (e.g. epochs): what the strategy does with it. */
  readonly needsResource?: string;
  /** Draws its new configurations from the config's `sampler`. */
  readonly usesSampler: boolean;
  /** Set when it stops poor trials itself (when it does), so a per-trial stopping rule would fight it. */
  readonly stopsTrials?: string;
  /** The k-th configuration does not depend on how earlier ones were batched into rounds. */
  readonly batchInvariant: boolean;
}

/** A proposer as a strategy: its configurations, each trained with the full resource when there is one. */
export function proposing(summary: string, proposer: Proposer, flags: { batchInvariant?: boolean } = {}): Strategy {
  return {
    summary,
    proposer,
    usesSampler: false,
    batchInvariant: flags.batchInvariant ?? false,
    plan({ config, space, trials, room, prior }: PlanInput): StrategyPlan {
      if (room <= 0) return { fresh: [] };
      const input: ProposeInput = {
        space,
        objective: config.objective,
        constraints: config.constraints,
        trials,
        count: room,
        seed: config.seed,
        ...(prior?.length ? { prior } : {}),
      };
      const note = proposer.explain?.(input);
      const fresh = proposer.propose(input).map((params) => atFullResource(config, params));
      return { fresh, ...(note ? { note } : {}) };
    },
  };
}

/** A configuration trained with the full resource, when the config has one. */
export function atFullResource(config: Pick<StrategyConfig, "resource">, params: Params): NewTrial {
  return config.resource ? { params, resource: config.resource.max } : { params };
}
