/**
 * `npx tsx bench/rerender.ts NAME`: a results file's report made again, with
 * the peer numbers there are now. Peer runs take longer than ours and may land
 * after them (bench/peers/optuna_suite.py); the studies need not run again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPeers, peerKey } from "./peers.ts";
import { type BenchResults, renderMarkdown } from "./report.ts";

const name = process.argv[2];
if (!name)
  throw new Error("usage: npx tsx bench/rerender.ts NAME (a bench/results name or an absolute path, without .json)");
const base = isAbsolute(name) ? name : join(dirname(fileURLToPath(import.meta.url)), "results", name);
const old = JSON.parse(readFileSync(`${base}.json`, "utf8")) as BenchResults;
const loaded = loadPeers();
const results: BenchResults = {
  ...old,
  peersFile: loaded?.files.join(", "),
  cells: old.cells.map((c) => ({ ...c, peers: loaded?.peers.get(peerKey(c.problem, c.q)) })),
};
writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${base}.md`, renderMarkdown(results));
process.stdout.write(`wrote ${base}.json and .md with the peers of ${results.peersFile ?? "no file"}\n`);
