/**
 * The layers of src/: no import cycle between its folders, and a pure core that
 * imports neither Node nor the shells. Read from the source text, so a new
 * import that breaks a rule fails here with the file and line to blame.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  describeCycle,
  folderCycles,
  folderOf,
  type ImportEdge,
  importsOf,
  readImportGraph,
} from "../helpers/import-graph.ts";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

/** The pure core: seeded, no clocks, files or network, nothing from a shell. */
const PURE = [
  "util",
  "space",
  "protocol",
  "pareto",
  "strategy",
  "config",
  "study",
  "engine",
  "driver",
  "compare",
  "report",
  "importance",
];
/** The shells: who runs trials, talks to a platform, or shows a study (page: the report page and its browser script). */
const SHELLS = ["trial", "local", "action", "github", "bot", "cli", "page"];

/**
 * Files of the pure folders that still do I/O, each with why. Each is a known
 * debt, not a licence: the rule holds for every other file of these folders.
 */
const KNOWN_EXCEPTIONS: Record<string, string> = {
  // Reading tune.yml with positions is the loader's job; callers are the CLI, the Action and the trial job.
  "config/load.ts": "reads the config file (node:fs)",
  // configHash is a pure function but hashes with SHA-256 from node:crypto; a JS SHA-256 would be a copy of Node's.
  "study/study.ts": "configHash uses node:crypto's SHA-256",
  // Reading and atomically writing the state file; it belongs in a shell's I/O, used by cli, action and local.
  "study/store.ts": "reads and writes the study file (node:fs, node:path)",
};

function edge(file: string, target: string, line = 1): ImportEdge {
  return { file, line, specifier: `./${target}`, target };
}

describe("import-graph checker", () => {
  it("reads single-line, multi-line, type-only, re-export and side-effect imports with their lines", () => {
    const source = [
      "/** a comment */",
      'import { z } from "zod";',
      'import type { A } from "../a/a.ts";',
      "import {",
      "  b,",
      "  type C,",
      '} from "../b/b.ts";',
      'export { d } from "./d.ts";',
      'import "./side.ts";',
      "const x = 'import nothing from here';",
    ].join("\n");
    assert.deepEqual(importsOf(source), [
      { line: 2, specifier: "zod" },
      { line: 3, specifier: "../a/a.ts" },
      { line: 4, specifier: "../b/b.ts" },
      { line: 8, specifier: "./d.ts" },
      { line: 9, specifier: "./side.ts" },
    ]);
  });

  it("finds a planted cycle between folders and names each edge's file and line", () => {
    const graph = [
      edge("a/one.ts", "b/two.ts", 3),
      edge("b/two.ts", "c/three.ts", 5),
      edge("c/three.ts", "a/four.ts", 7),
      edge("a/four.ts", "a/one.ts", 1), // inside a folder: not a folder cycle
      edge("d/x.ts", "a/one.ts", 2), // into the cycle, not part of it
    ];
    const cycles = folderCycles(graph);
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0]!.folders, ["a", "b", "c", "a"]);
    const text = describeCycle(cycles[0]!);
    assert.match(text, /^a → b → c → a/);
    assert.match(text, /src\/a\/one\.ts:3 imports/);
    assert.match(text, /src\/b\/two\.ts:5 imports/);
    assert.match(text, /src\/c\/three\.ts:7 imports/);
  });

  it("finds two-folder cycles, and none in a graph with one direction", () => {
    assert.deepEqual(folderCycles([edge("a/x.ts", "b/y.ts"), edge("b/y.ts", "a/z.ts")])[0]!.folders, ["a", "b", "a"]);
    assert.deepEqual(folderCycles([edge("a/x.ts", "b/y.ts"), edge("b/y.ts", "c/z.ts"), edge("a/x.ts", "c/z.ts")]), []);
  });
});

describe("layers of src/", () => {
  const graph = readImportGraph(SRC);

  it("reads every file's imports", () => {
    assert.ok(graph.length > 300, `only ${graph.length} imports read`);
    for (const e of graph.filter((e) => e.target)) assert.ok(!e.target!.startsWith(".."), `${e.file}: ${e.specifier}`);
  });

  it("has no import cycle between folders", () => {
    const cycles = folderCycles(graph);
    assert.equal(cycles.length, 0, `import cycles between folders of src/:\n${cycles.map(describeCycle).join("\n")}`);
  });

  it("keeps the pure folders free of Node and of the shells", () => {
    const bad: string[] = [];
    for (const e of graph) {
      if (!PURE.includes(folderOf(e.file)) || e.file in KNOWN_EXCEPTIONS) continue;
      if (e.specifier.startsWith("node:")) bad.push(`src/${e.file}:${e.line} imports ${e.specifier}`);
      if (e.target && SHELLS.includes(folderOf(e.target)))
        bad.push(`src/${e.file}:${e.line} imports the shell ${folderOf(e.target)}/ (${e.specifier})`);
    }
    assert.deepEqual(bad, [], `the pure core imports Node or a shell:\n${bad.join("\n")}`);
  });

  it("lists only exceptions that are still needed", () => {
    for (const [file, why] of Object.entries(KNOWN_EXCEPTIONS)) {
      const nodeImports = graph.filter((e) => e.file === file && e.specifier.startsWith("node:"));
      assert.ok(nodeImports.length > 0, `${file} (${why}) imports no node: module now: remove its exception`);
    }
  });

  it("names every folder as pure or shell", () => {
    const folders = new Set(graph.map((e) => folderOf(e.file)));
    for (const folder of folders)
      assert.ok(
        PURE.includes(folder) || SHELLS.includes(folder) || folder === ".",
        `src/${folder}/ is neither pure nor a shell`,
      );
  });
});
