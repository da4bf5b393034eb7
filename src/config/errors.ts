/**
 * Errors in a config file, each with the position of the field to blame, so that
 * a user (or an editor's problem matcher) can jump straight to it.
 */
export interface ConfigIssue {
  /** 1-based; 0 when the position is unknown (for example a missing file). */
  line: number;
  col: number;
  /** Dotted path of the field, such as `parameters.lr.min`; empty for the whole file. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(issues.map((i) => formatIssue(file, i)).join("\n"));
    this.name = "ConfigError";
  }
}

export function formatIssue(file: string, i: ConfigIssue): string {
  const where = i.line > 0 ? `${file}:${i.line}:${i.col}` : file;
  return `${where}: ${i.path ? `${i.path}: ` : ""}${i.message}`;
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  // Allow about one edit in three, but never so many that a short word could match anything.
  let bestD = Math.min(Math.max(2, Math.floor(word.length / 3)), word.length - 1) + 1;
  let bestLen = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    // On a tie, prefer the candidate closest in length (`valuez` is `values`, not `value`).
    const len = Math.abs(c.length - word.length);
    if (d < bestD || (d === bestD && best !== undefined && len < bestLen)) {
      best = c;
      bestD = d;
      bestLen = len;
    }
  }
  return best;
}
