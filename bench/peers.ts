/**
 * Peer numbers: Optuna's samplers on the same problems and budgets, read at run
 * time from ../shared/peers/TARGETS.md (its 30-seed table of median final
 * regret, the five shared problems) and bench/peers/suite.md (the wider suite,
 * made by bench/peers/optuna_suite.py), so the benchmark prints them beside ours
 * without copying them.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** Where peer numbers are read from, as the report names them, and the path of each. */
export const PEER_FILES: readonly { readonly name: string; readonly path: string }[] = [
  { name: "../shared/peers/TARGETS.md", path: join(here, "../../shared/peers/TARGETS.md") },
  { name: "bench/peers/suite.md", path: join(here, "peers/suite.md") },
];

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

/** Every peer file there is, merged, with the names of those found; undefined when there is none. */
export function loadPeers(): { peers: Peers; files: string[] } | undefined {
  const found = PEER_FILES.filter((f) => existsSync(f.path));
  if (found.length === 0) return undefined;
  return {
    peers: new Map(found.flatMap((f) => [...parsePeers(readFileSync(f.path, "utf8"))])),
    files: found.map((f) => f.name),
  };
}

export function parsePeers(markdown: string): Peers {
  const out = new Map<string, PeerRow>();
  const lines = markdown.split("\n");
  // The table of final regrets over many seeds (30 in TARGETS.md), not its 10-seed detail.
  const start = lines.findIndex((l) => /^#+ median final .* \d+ seeds/i.test(l));
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
