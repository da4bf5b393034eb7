/**
 * The variables a config's `env:` may not name, and that never pass to a trial
 * from our own environment either (src/trial/env.ts builds the trial's
 * environment on this rule; the schema rejects a config that asks for one).
 */

/**
 * What must never reach a trial, even when a config asks for it by name: the
 * step's inputs (the token among them), the runner's service credentials
 * (artifact, cache and OIDC endpoints and tokens), the workflow token, the
 * file commands that would let a trial set later steps' environment or
 * outputs, and NODE_OPTIONS, which would load code into every later Node step.
 */
const FORBIDDEN_PATTERN =
  /^(INPUT_|ACTIONS_)|^(GITHUB_TOKEN|GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_STEP_SUMMARY|NODE_OPTIONS)$/;

/** Whether a variable may never reach a trial. */
export function isForbiddenEnv(name: string): boolean {
  return FORBIDDEN_PATTERN.test(name);
}

/** Why a config may not pass this variable on, or undefined when it may. */
export function forbiddenEnvReason(name: string): string | undefined {
  if (!isForbiddenEnv(name)) return undefined;
  return `${name} may not be passed to trials: trials can run a pull request's untrusted code, and ${name} is one of the step's inputs, the runner's credentials, the workflow token, GitHub's file commands or NODE_OPTIONS`;
}
