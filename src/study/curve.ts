/**
 * Bounded learning curves. A trial may report millions of steps; the study
 * keeps at most CURVE_POINTS of them, evenly spread, plus the few that matter
 * on their own: the first, the last, the best objective value and hyperband's
 * rung boundaries. Pure and streaming: the trial runner feeds points as lines
 * arrive (memory stays flat), and recording an attempt (whoever ran it, however
 * large its result file) feeds them all at once, with the same result.
 */
import type { Config } from "../config/schema.ts";
import { isBetter } from "../protocol/objective.ts";
import type { Intermediate } from "../protocol/trial.ts";
import type { Study } from "./schema.ts";

/** Evenly spread steps kept per attempt (documented in the README). */
export const CURVE_POINTS = 256;

/** What to keep besides the evenly spread steps. */
export interface CurveKeep {
  objective?: Pick<Config["objective"][0], "metric" | "goal">;
  /** Steps kept whatever the spacing: the rung boundaries. */
  pinned?: ReadonlySet<number>;
}

/**
 * The objective and the rung boundaries: every resource a trial of the study
 * trains with (hyperband's rungs) as a step, and one less, since a trial may
 * count its epochs from 0 or from 1.
 */
export function curveKeep(study: Pick<Study, "config" | "trials">): CurveKeep {
  return { objective: study.config.objective[0], pinned: rungSteps(study.trials.map((t) => t.resource)) };
}

export function rungSteps(resources: readonly (number | undefined)[]): Set<number> {
  const steps = new Set<number>();
  for (const r of resources) if (r !== undefined && Number.isInteger(r)) steps.add(r).add(r - 1);
  return steps;
}

interface Entry {
  seq: number;
  point: Intermediate;
}

export class CurveSampler {
  /**
   * The evenly spread points are those whose step is a multiple of `stride`, a
   * power of two: steps are chosen by value, not by arrival, so attempts of the
   * same length keep the same steps and the median stopping rule still finds
   * several trials at each step it compares.
   */
  private stride = 1;
  private grid: Entry[] = [];
  private first: Entry | undefined;
  private last: Entry | undefined;
  private best: Entry | undefined;
  private readonly pinned = new Map<number, Entry>();
  private seq = 0;

  constructor(
    private readonly keep: CurveKeep = {},
    private readonly max = CURVE_POINTS,
  ) {}

  add(point: Intermediate): void {
    const e = { seq: this.seq++, point };
    this.first ??= e;
    this.last = e;
    const objective = this.keep.objective;
    const v = objective && point.values[objective.metric];
    const bestValue = this.best && objective && this.best.point.values[objective.metric];
    if (v !== undefined && (bestValue === undefined || isBetter(objective!.goal, v, bestValue))) this.best = e;
    if (this.keep.pinned?.has(point.step)) this.pinned.set(point.step, e);
    if (point.step % this.stride !== 0) return;
    this.grid.push(e);
    while (this.grid.length > this.max) this.thin();
  }

  /** Doubles the stride, and keeps one point (the last) per step. */
  private thin(): void {
    this.stride *= 2;
    const byStep = new Map<number, Entry>();
    for (const e of this.grid) if (e.point.step % this.stride === 0) byStep.set(e.point.step, e);
    this.grid = [...byStep.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The kept points, in the order they were reported. */
  get points(): Intermediate[] {
    const all = new Map<number, Intermediate>();
    for (const e of [...this.grid, ...this.pinned.values(), this.first, this.last, this.best])
      if (e) all.set(e.seq, e.point);
    return [...all.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  }
}

/** A curve cut down the way CurveSampler would have recorded it; short curves come back unchanged. */
export function boundCurve(points: readonly Intermediate[], keep: CurveKeep): Intermediate[] {
  if (points.length <= CURVE_POINTS) return [...points];
  const sampler = new CurveSampler(keep);
  for (const p of points) sampler.add(p);
  return sampler.points;
}
