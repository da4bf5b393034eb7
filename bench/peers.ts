/**
 * Peer numbers: Optuna's samplers on the same problems and budgets, read at run
 * time from ../shared/peers/TARGETS.md (its 30-seed table of median final
 * regret), so the benchmark prints them beside ours without copying them.
 */
import { existsSync, readFileSync } from "node:fs";

export interface PeerCell {
  readonly median: number;
  /** Bootstrap 90% confidence interval of the median. */
  readonly ci: readonly [number, number];
}

export interface PeerRow {
  readonly samplers: Readonly<Record<string, PeerCell>>;
  /** The sampler the table marks as best for this problem and q. */
  readonly best: string | undefined;
}

/** Keyed by `${problem}/${q}`. */
export type Peers = ReadonlyMap<string, PeerRow>;

export const peerKey = (problem: string, q: number) => `${problem}/${q}`;

export function loadPeers(file: string): Peers | undefined {
  if (!existsSync(file)) return undefined;
  return parsePeers(readFileSync(file, "utf8"));
}

export function parsePeers(markdown: string): Peers {
  const out = new Map<string, PeerRow>();
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^#+ .*30 seeds/i.test(l));
  if (start < 0) return out;
  let header: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^#+ /.test(line)) break;
    if (!line.startsWith("|")) continue;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells[0] === "problem") {
      header = cells;
      continue;
    }
    if (!header || cells.every((c) => /^-+$/.test(c))) continue;
    const samplers: Record<string, PeerCell> = {};
    let best: string | undefined;
    header.slice(2).forEach((name, i) => {
      const raw = cells[i + 2] ?? "";
      const m = /([\d.eE+-]+)\s*\[([\d.eE+-]+),\s*([\d.eE+-]+)\]/.exec(raw);
      if (!m) return;
      samplers[name] = { median: Number(m[1]), ci: [Number(m[2]), Number(m[3])] };
      if (raw.startsWith("**")) best = name;
    });
    out.set(peerKey(cells[0]!, Number(cells[1])), { samplers, best });
  }
  return out;
}
