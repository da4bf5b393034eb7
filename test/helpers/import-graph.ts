// The import graph of src/, read with a regex over the source: every `import … from "…"`,
// `import type … from "…"`, `export … from "…"` and bare `import "…"`, with the line it starts on.
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";

/** One import: the file (relative to src/, posix), its 1-based line, and what it names. */
export interface ImportEdge {
  file: string;
  line: number;
  specifier: string;
  /** The imported file relative to src/, for a relative specifier; undefined for a package or `node:` module. */
  target: string | undefined;
}

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/gm;

/** The imports of one source text (multi-line `import { a, b } from "x"` included). */
export function importsOf(source: string): { line: number; specifier: string }[] {
  const found: { line: number; specifier: string }[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const start = match.index + (match[0].length - match[0].trimStart().length);
    const line = source.slice(0, start).split("\n").length;
    found.push({ line, specifier: match[1]! });
  }
  return found;
}

function walk(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files.sort();
}

/** Every import of every .ts file under `srcDir`. */
export function readImportGraph(srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const path of walk(srcDir)) {
    const file = relative(srcDir, path).split("\\").join("/");
    for (const { line, specifier } of importsOf(readFileSync(path, "utf8"))) {
      const target = specifier.startsWith(".")
        ? posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts")
        : undefined;
      edges.push({ file, line, specifier, target });
    }
  }
  return edges;
}

/** The top folder of a file relative to src/ (`strategy/bayes/gp.ts` → `strategy`; `cli.ts` → `.`). */
export function folderOf(file: string): string {
  const slash = file.indexOf("/");
  return slash < 0 ? "." : file.slice(0, slash);
}

/** A cycle between folders: the folders in order (first repeated at the end) and, per step, the imports that make it. */
export interface FolderCycle {
  folders: string[];
  edges: ImportEdge[][];
}

/**
 * The cycles between top folders: one per strongly connected component of the folder graph
 * (imports inside a folder don't count): for each folder caught in one, a shortest loop through it.
 */
export function folderCycles(edges: readonly ImportEdge[]): FolderCycle[] {
  const byPair = new Map<string, Map<string, ImportEdge[]>>();
  for (const edge of edges) {
    if (edge.target === undefined) continue;
    const from = folderOf(edge.file);
    const to = folderOf(edge.target);
    if (from === to) continue;
    const out = byPair.get(from) ?? new Map<string, ImportEdge[]>();
    byPair.set(from, out);
    out.set(to, [...(out.get(to) ?? []), edge]);
  }
  const next = (folder: string) => [...(byPair.get(folder)?.keys() ?? [])].sort();
  const folders = [...new Set([...byPair.keys(), ...[...byPair.values()].flatMap((m) => [...m.keys()])])].sort();

  // Tarjan's strongly connected components.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const folder of folders) if (!order.has(folder)) visit(folder);

  const loopThrough = (start: string, inside: Set<string>): string[] => {
    // Breadth-first from `start` back to `start`, inside its component.
    const parent = new Map<string, string>();
    const queue = next(start).filter((f) => inside.has(f));
    for (const f of queue) parent.set(f, start);
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i]!;
      if (next(at).includes(start)) {
        const path = [at];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return [start, ...path.slice(1), start].filter((f, j, all) => j === 0 || f !== all[j - 1]);
      }
      for (const f of next(at)) {
        if (inside.has(f) && !parent.has(f) && f !== start) {
          parent.set(f, at);
          queue.push(f);
        }
      }
    }
    return [start, start];
  };
  // One shortest loop through each folder of each component, without repeats.
  const cycles: FolderCycle[] = [];
  const seen = new Set<string>();
  for (const component of components) {
    const inside = new Set(component);
    for (const start of component) {
      const loop = loopThrough(start, inside);
      const key = [...loop.slice(0, -1)].sort().join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      cycles.push({ folders: loop, edges: loop.slice(1).map((to, i) => byPair.get(loop[i]!)!.get(to)!) });
    }
  }
  return cycles;
}

/** A cycle as text: `config → trial → config`, then each import that makes a step, as file:line. */
export function describeCycle(cycle: FolderCycle): string {
  const lines = [cycle.folders.join(" → ")];
  cycle.edges.forEach((step, i) => {
    lines.push(`  ${cycle.folders[i]} → ${cycle.folders[i + 1]}:`);
    for (const e of step) lines.push(`    src/${e.file}:${e.line} imports "${e.specifier}"`);
  });
  return lines.join("\n");
}
