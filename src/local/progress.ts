/**
 * Progress of a local study: a live status line on a terminal, plain lines
 * elsewhere (pipes, CI logs), where redrawing would only make noise.
 */

import type { Config } from "../config/schema.ts";
import type { Attempt, Intermediate, Trial } from "../protocol/trial.ts";
import { trialValue } from "../protocol/trial-value.ts";
import { fmtDuration, fmtNumber } from "../report/format.ts";
import { frontLine, isMultiObjective } from "../report/front.ts";
import { fmtTrialValue, memberLabel, shortReason } from "../report/members.ts";
import { rungLabel } from "../report/rungs.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { membersOf } from "../study/study.ts";

export interface Progress {
  roundStarted(study: Study, round: number, trialIds: readonly number[], resumed: boolean): void;
  /** A run of the trial got a process slot and started (its round's others may still wait for one). */
  runStarted(trialId: number): void;
  intermediate(trialId: number, value: Intermediate): void;
  trialFinished(study: Study, attempt: Attempt): void;
  message(text: string): void;
  close(): void;
}

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function createProgress(config: Config, out: Out, live: boolean): Progress {
  const metric = config.objective[0].metric;
  const total = () => config.budget.max_trials;
  const started = performance.now();
  const running = new Map<number, Intermediate | undefined>();
  let done = 0;
  let round = 0;
  let lastStudy: Study | undefined;
  let bestId: number | undefined;
  let statusShown = false;

  const status = (): string => {
    const best = lastStudy && bestTrial(config, lastStudy);
    const width = 20;
    const filled = Math.min(width, Math.round((done / Math.max(1, total())) * width));
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const bestText =
      isMultiObjective(config) && lastStudy
        ? frontLine(config, lastStudy)
        : best
          ? `best ${metric}=${fmtNumber(trialValue(best)!)} (trial ${best.id})`
          : "no result yet";
    const steps = [...running.entries()].map(([id, s]) => (s ? `#${id}@${s.step}` : `#${id}`)).join(" ");
    const line = `${bar} ${done}/${total()} · round ${round} · ${bestText} · ${fmtDuration(performance.now() - started)}${steps ? ` · running ${steps}` : ""}`;
    const cols = out.columns ?? 120;
    return line.length > cols - 1 ? `${line.slice(0, cols - 2)}…` : line;
  };
  const clear = () => {
    if (live && statusShown) out.write("\r\x1b[K");
    statusShown = false;
  };
  const draw = () => {
    if (!live) return;
    out.write(`\r\x1b[K${status()}`);
    statusShown = true;
  };
  const println = (text: string) => {
    clear();
    out.write(`${text}\n`);
    draw();
  };
  const timer = live ? setInterval(draw, 500) : undefined;
  timer?.unref();

  return {
    roundStarted(study, r, ids, resumed) {
      lastStudy = study;
      round = r;
      done = finishedTrials(study);
      bestId = bestTrial(config, study)?.id;
      println(`round ${r}${resumed ? " (resumed)" : ""}: trials ${ids.join(", ")}`);
    },
    runStarted(trialId) {
      if (!running.has(trialId)) running.set(trialId, undefined);
    },
    intermediate(trialId, value) {
      running.set(trialId, value);
    },
    trialFinished(study, attempt) {
      lastStudy = study;
      const trial = study.trials[attempt.trialId]!;
      // With repeats or folds this is one member: the trial is done once all of them are in.
      const complete = trial.status !== "pending" && trial.status !== "running";
      if (complete) running.delete(trial.id);
      done = finishedTrials(study);
      const best = bestTrial(config, study);
      const star =
        complete && best?.id === trial.id && bestId !== best.id
          ? isMultiObjective(config)
            ? ` ★ now chosen (${frontLine(config, study)})`
            : " ★ new best"
          : "";
      bestId = best?.id;
      const counter = `[${done}/${total()}]`;
      println(
        `${runHead(config, study, attempt)} (${fmtDuration(attempt.durationMs)})${star}  ${counter}  ${paramsText(config, trial)}`,
      );
    },
    message: println,
    close() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

function finishedTrials(study: Study): number {
  return study.trials.filter((t) => t.status !== "pending" && t.status !== "running").length;
}

/**
 * "trial 12 [b0·r1 from #4, seed 1] val_accuracy=0.86": which run finished,
 * where hyperband put it, and its outcome; with several members, the trial's
 * combined value once the last of them is in.
 */
function runHead(config: Config, study: Study, attempt: Attempt): string {
  const trial = study.trials[attempt.trialId]!;
  const metric = config.objective[0].metric;
  const rung = rungLabel(trial);
  const where = [
    rung && trial.parent !== undefined ? `${rung} from #${trial.parent}` : rung,
    memberLabel(config, attempt.member),
  ];
  const tags = where.filter(Boolean).join(", ");
  const outcome =
    attempt.status === "succeeded"
      ? `${metric}=${fmtNumber(attempt.value)}`
      : attempt.status === "pruned"
        ? shortReason(attempt, metric)
        : `failed: ${attempt.reason}`;
  const combined =
    membersOf(config) > 1 && trial.status !== "pending" && trial.status !== "running"
      ? ` → ${trial.status === "succeeded" ? fmtTrialValue(config, trial) : trial.status}`
      : "";
  return `trial ${trial.id}${tags ? ` [${tags}]` : ""} ${outcome}${combined}`;
}

/** The resource it trained with (it is not among the parameters), then its parameters. */
function paramsText(config: Config, trial: Trial): string {
  const resource =
    config.resource && trial.resource !== undefined ? [[config.resource.name, trial.resource] as const] : [];
  return [...resource, ...Object.entries(trial.params)]
    .map(([k, v]) => `${k}=${typeof v === "number" ? fmtNumber(v) : v}`)
    .join(" ");
}
