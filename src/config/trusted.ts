/**
 * A fork's pull request brings its own config, but it may only change the
 * search. Where its code runs, with which variables, for how long, how much of
 * it runs and who may start it come from the default branch's config, which
 * only the repository's own people can change.
 */
import { applyOverrides, type Overrides } from "./overrides.ts";
import { type Config, configSchema } from "./schema.ts";

export const TRUSTED_SETTINGS = [
  "runs_on",
  "trials_per_job",
  "env",
  "timeout",
  "budget",
  "repeats",
  "folds",
  "bot",
] as const;

/** The settings a fork may not choose, as one line for logs and the pull-request comment. */
export function trustedSettingsLine(source: string): string {
  const names = `${TRUSTED_SETTINGS.slice(0, -1).join(", ")} and ${TRUSTED_SETTINGS.at(-1)}`;
  return `this pull request comes from a fork, so ${names} are the default branch's (${source}); the search (parameters, strategy, objective, metrics) is the pull request's`;
}

export class TrustedSettingsError extends Error {}

/** `config` with every trusted setting replaced by the default branch's, checked as a whole again. */
export function withTrustedSettings(config: Config, trusted: Config, source: string): Config {
  const merged: Record<string, unknown> = { ...config };
  for (const key of TRUSTED_SETTINGS) merged[key] = trusted[key];
  const checked = configSchema.safeParse(merged);
  if (checked.success) return checked.data;
  const problems = checked.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
  throw new TrustedSettingsError(
    `the pull request's config does not fit the settings taken from the default branch's ${source}: ${problems}`,
  );
}

/** The config a job runs with: its own, the default branch's trusted settings for a fork, then the `/tune` overrides. */
export function settledConfig(own: Config, overrides: Overrides, trusted?: { config: Config; source: string }): Config {
  return applyOverrides(trusted ? withTrustedSettings(own, trusted.config, trusted.source) : own, overrides);
}
