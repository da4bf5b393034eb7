/**
 * The environment a trial starts with. A trial is the user's training command,
 * which on a pull request is code nobody has reviewed yet, so it never gets a
 * copy of ours: only ordinary runtime variables (paths, locale, accelerators,
 * threads, Python environments, proxies, CA bundles) pass, then the config's
 * `env:`, where a variable can also be passed on by name with `{from: NAME}`.
 * The same rule holds locally and in CI, so trying a config on a laptop shows
 * what a trial job will see.
 */
import { isForbiddenEnv } from "../config/env.ts";

/** Variables passed on by exact name. */
const ALLOWED_NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  "CI",
  "OMP_NUM_THREADS",
  "LD_LIBRARY_PATH",
  "PYTHONPATH",
  "VIRTUAL_ENV",
  // actions/setup-python's: where the interpreter it installed lives.
  "pythonLocation",
  "PKG_CONFIG_PATH",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
]);

/**
 * Families passed on by prefix: locale, XDG directories, the runner's own
 * description (name, OS, temp and tool-cache paths: no secrets), accelerators,
 * collective communication, BLAS threads, conda, and setup-python's
 * `Python_ROOT_DIR`/`Python3_ROOT_DIR`.
 */
const ALLOWED_PATTERN =
  /^(LC_|XDG_|RUNNER_|CUDA_|NVIDIA_|HIP_|ROCR_|ROCM_|HSA_|NCCL_|MKL_|OPENBLAS_|CONDA_)|^Python\d*_ROOT_DIR$/;

/** Whether a variable of ours passes to every trial without being named in the config. */
export function isAllowedEnv(name: string): boolean {
  return (ALLOWED_NAMES.has(name) || ALLOWED_PATTERN.test(name)) && !isForbiddenEnv(name);
}

/** A config `env:` value: a literal, or a variable of ours passed on by name. */
export type EnvValue = string | number | boolean | { from: string };

export interface TrialEnv {
  env: Record<string, string>;
  /** `env:` entries whose `from` variable is not set here, as "X (from Y)": the trial runs without them. */
  missing: string[];
}

/** The allowed part of `parent`, then the config's `env:` (the caller adds the TUNE_* contract last). */
export function trialEnv(parent: NodeJS.ProcessEnv, configEnv: Readonly<Record<string, EnvValue>>): TrialEnv {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined && isAllowedEnv(k)) env[k] = v;
  const missing: string[] = [];
  for (const [k, v] of Object.entries(configEnv)) {
    if (typeof v !== "object") env[k] = String(v);
    else if (parent[v.from] !== undefined) env[k] = parent[v.from]!;
    else {
      // An allowed variable of the same name must not slip through in its place.
      delete env[k];
      missing.push(k === v.from ? k : `${k} (from ${v.from})`);
    }
  }
  return { env, missing };
}

/** The one line that says which `{from: NAME}` variables were not set. */
export function missingEnvNote(missing: readonly string[]): string | undefined {
  if (!missing.length) return undefined;
  return `env: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not set here, so the trial runs without ${missing.length > 1 ? "them" : "it"}`;
}
