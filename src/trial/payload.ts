/**
 * The payloads of a round (see protocol/payload.ts for their format), and the
 * checks a trial job makes before it trusts one.
 */
import type { Config } from "../config/schema.ts";
import { type Job, jobsFor } from "../engine/jobs.ts";
import {
  type MatrixEntry,
  matrixEntrySchema,
  PACKED_PAYLOAD_VERSION,
  PAYLOAD_VERSION,
  type PackedPayload,
  type TrialPayload,
} from "../protocol/payload.ts";
import { type Run, runKey } from "../protocol/run.ts";
import { checkParams } from "../space/check.ts";
import { buildSpace } from "../space/space.ts";
import type { Study } from "../study/schema.ts";
import { memberSeedFold, membersOf } from "../study/study.ts";

/** A payload (or the trial spec that carries one) that is malformed or does not fit the config. */
export class PayloadError extends Error {}

export function payloadsFor(config: Config, study: Study, round: number, runs: readonly Run[]): TrialPayload[] {
  return jobsFor(config, study, runs).map((job) => payloadOf(study.name, round, job));
}

/** The matrix entry that runs `job` of the study's round `round`. */
export function payloadOf(study: string, round: number, job: Job): TrialPayload {
  return {
    v: PAYLOAD_VERSION,
    study,
    round,
    trial: job.trialId,
    attempt: job.attempt,
    id: runKey({ trialId: job.trialId, attempt: job.attempt, member: job.member?.index }),
    params: job.params,
    ...(job.member ? { member: job.member } : {}),
    ...(job.resume
      ? {
          resume: {
            trial: job.resume.trialId,
            attempt: job.resume.attempt,
            ...(job.resume.member !== undefined ? { member: job.resume.member } : {}),
            id: runKey(job.resume),
            ...(job.resume.runId !== undefined ? { run: job.resume.runId } : {}),
          },
        }
      : {}),
    ...(job.prune ? { prune: job.prune } : {}),
    ...(job.ref ? { ref: job.ref } : {}),
  };
}

/**
 * The round's payloads as matrix entries of at most `perJob` runs each
 * (`trials_per_job`), in order. A run that continues a checkpoint or runs on
 * another commit keeps an entry of its own: the job's download and checkout
 * steps are its alone. A group of one stays a plain payload, so with
 * `perJob` 1 the matrix is exactly the runs'.
 */
export function packPayloads(payloads: readonly TrialPayload[], perJob: number): MatrixEntry[] {
  const out: MatrixEntry[] = [];
  let group: TrialPayload[] = [];
  const flush = () => {
    if (group.length > 0) out.push(group.length === 1 ? group[0]! : packed(group));
    group = [];
  };
  for (const p of payloads) {
    if (p.resume || p.ref) out.push(p);
    else {
      group.push(p);
      if (group.length === perJob) flush();
    }
  }
  flush();
  return out;
}

/** Runs of one round, which share their study, round and pruning rule. */
function packed(group: readonly TrialPayload[]): PackedPayload {
  const first = group[0]!;
  const ids = group.map((p) => runKey(payloadRun(p)));
  return {
    v: PACKED_PAYLOAD_VERSION,
    study: first.study,
    round: first.round,
    id: `_${ids.join("_")}_`,
    runs: group.map((p, i) => ({
      id: ids[i]!,
      trial: p.trial,
      attempt: p.attempt,
      params: p.params,
      ...(p.member ? { member: p.member } : {}),
    })),
    ...(first.prune ? { prune: first.prune } : {}),
  };
}

/** Each run of a matrix entry as the payload it would have alone. */
export function entryPayloads(entry: MatrixEntry): TrialPayload[] {
  if (entry.v === PAYLOAD_VERSION) return [entry];
  return entry.runs.map((r) => ({
    v: PAYLOAD_VERSION,
    study: entry.study,
    round: entry.round,
    trial: r.trial,
    attempt: r.attempt,
    id: r.id,
    params: r.params,
    ...(r.member ? { member: r.member } : {}),
    ...(entry.prune ? { prune: entry.prune } : {}),
  }));
}

/** The run a payload names. */
export function payloadRun(payload: TrialPayload): Run {
  return { trialId: payload.trial, attempt: payload.attempt, member: payload.member?.index };
}

/** The strategy matrix as `fromJSON` expects it in a workflow. */
export function githubMatrix(entries: readonly MatrixEntry[]): { include: MatrixEntry[] } {
  return { include: [...entries] };
}

/** A matrix entry from its JSON text, or an error that says what to pass instead. */
export function parsePayload(text: string): MatrixEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PayloadError(
      `the payload input is not JSON (${(err as Error).message}); pass \${{ toJSON(matrix) }} from the plan's matrix`,
    );
  }
  const parsed = matrixEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PayloadError(
      `the payload input is not a matrix-tune trial (${i.path.join(".") || "top"}: ${i.message}); pass \${{ toJSON(matrix) }} from the plan's matrix`,
    );
  }
  const entry = parsed.data;
  if (entry.v === PACKED_PAYLOAD_VERSION) {
    // The ids name the job and its artifacts: they must be the runs' own, each once.
    const keys = entryPayloads(entry).map((p) => runKey(payloadRun(p)));
    const named = `_${keys.join("_")}_`;
    if (entry.runs.some((r, i) => r.id !== keys[i]) || entry.id !== named || new Set(keys).size !== keys.length)
      throw new PayloadError(
        `the payload's ids (${entry.id}: ${entry.runs.map((r) => r.id).join(", ")}) do not name its runs once each (${named}); pass \${{ toJSON(matrix) }} from the plan's matrix`,
      );
  }
  return entry;
}

/**
 * Whether the payload is one the config's plan could have written: its study,
 * parameters (and resource) within the space, and a member of this many
 * repeats and folds. A payload is only as trustworthy as the workflow that
 * passed it, and a mismatch means the config changed under a running study.
 * Throws one line naming what is wrong and what would be valid.
 */
export function checkPayload(config: Config, payload: TrialPayload): void {
  if (payload.study !== config.name)
    throw new PayloadError(`the payload is for study "${payload.study}", but the config is study "${config.name}"`);
  const { [config.resource?.name ?? ""]: resource, ...params } = payload.params;
  const r = config.resource;
  const problem =
    checkParams(buildSpace(config.parameters), params, new Set(r ? [r.name] : [])) ??
    (r && resource !== undefined ? checkResource(r, resource) : undefined);
  if (problem) throw new PayloadError(`the payload does not fit the config: ${problem}`);
  const members = membersOf(config);
  const m = payload.member;
  if (!m) {
    if (members > 1)
      throw new PayloadError(`the payload has no member, but the config runs ${members} per trial (repeats × folds)`);
    return;
  }
  const expected = { index: m.index, ...memberSeedFold(config, m.index), folds: config.folds };
  if (m.index >= members || m.seed !== expected.seed || m.fold !== expected.fold || m.folds !== expected.folds)
    throw new PayloadError(
      `the payload's member ${JSON.stringify(m)} does not fit the config: members are 0..${members - 1} (repeats ${config.repeats} × folds ${config.folds}), member ${m.index} being seed ${expected.seed}, fold ${expected.fold} of ${expected.folds}`,
    );
}

function checkResource(r: NonNullable<Config["resource"]>, v: string | number | boolean): string | undefined {
  const ok = typeof v === "number" && v >= r.min && v <= r.max && (r.type === "float" || Number.isInteger(v));
  return ok
    ? undefined
    : `resource "${r.name}" is ${JSON.stringify(v)}: expected ${r.type === "int" ? "a whole number" : "a number"} in [${r.min}, ${r.max}]`;
}
