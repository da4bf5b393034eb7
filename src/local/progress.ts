/**
 * Progress of a local study: a live status line on a terminal, plain lines
 * elsewhere (pipes, CI logs), where redrawing would only make noise.
 */
import type { Config } from "../config/schema.ts";
import { fmtDuration, fmtNumber } from "../report/format.ts";
import type { Attempt, Intermediate, Study } from "../study/schema.ts";
import { bestTrial, trialValue } from "../study/study.ts";

export interface Progress {
  roundStarted(study: Study, round: number, trialIds: readonly number[], resumed: boolean): void;
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
  const goal = config.objective.goal;
  const metric = config.objective.metric;
  const total = () => config.budget.max_trials;
  const started = performance.now();
  const running = new Map<number, Intermediate | undefined>();
  let done = 0;
  let round = 0;
  let lastStudy: Study | undefined;
  let statusShown = false;

  const status = (): string => {
    const best = lastStudy && bestTrial(lastStudy, goal);
    const width = 20;
    const filled = Math.min(width, Math.round((done / Math.max(1, total())) * width));
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const bestText = best ? `best ${metric}=${fmtNumber(trialValue(best)!)} (trial ${best.id})` : "no result yet";
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
      done = study.trials.filter((t) => t.status !== "pending" && t.status !== "running").length;
      for (const id of ids) running.set(id, undefined);
      println(`round ${r}${resumed ? " (resumed)" : ""}: trials ${ids.join(", ")}`);
    },
    intermediate(trialId, value) {
      running.set(trialId, value);
    },
    trialFinished(study, attempt) {
      lastStudy = study;
      running.delete(attempt.trialId);
      done++;
      const trial = study.trials[attempt.trialId]!;
      const params = Object.entries(trial.params)
        .map(([k, v]) => `${k}=${typeof v === "number" ? fmtNumber(v) : v}`)
        .join(" ");
      const what =
        attempt.status === "succeeded"
          ? `${metric}=${fmtNumber(attempt.value)}`
          : `${attempt.status}: ${attempt.reason}`;
      const best = bestTrial(study, goal);
      const star = best?.id === trial.id ? " ★ new best" : "";
      println(`trial ${trial.id} ${what} (${fmtDuration(attempt.durationMs)})${star}  [${done}/${total()}]  ${params}`);
    },
    message: println,
    close() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
