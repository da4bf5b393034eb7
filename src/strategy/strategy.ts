/**
 * The one contract every strategy implements, in the spirit of Optuna's sampler
 * interface: given the space, the history and a seed, propose configurations.
 * Strategies are pure — no clock, no files, no global random state — so the same
 * study and seed give the same proposals on every machine.
 */
import type { Objective } from "../config/schema.ts";
import type { Params, Space } from "../space/space.ts";
import type { Trial } from "../study/schema.ts";

export interface ProposeInput {
  readonly space: Space;
  readonly objective: Objective;
  /** Every trial so far, including those still pending or running. */
  readonly trials: readonly Trial[];
  /** How many new configurations are wanted (one round). */
  readonly count: number;
  readonly seed: number;
}

export interface Strategy {
  /**
   * Up to `count` configurations, distinct from each other and from every trial
   * so far. Fewer than `count` means the space holds no more.
   */
  propose(input: ProposeInput): Params[];
  /** What the user should know about how this round is chosen, when anything (e.g. a fallback). */
  explain?(input: ProposeInput): string | undefined;
}
