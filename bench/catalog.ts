/** Every benchmark problem by name: the shared five (problems.ts) and the wider suite (suite.ts). */
import { PROBLEMS, type Problem } from "./problems.ts";
import { SUITE } from "./suite.ts";

export const ALL_PROBLEMS: readonly Problem[] = [...PROBLEMS, ...SUITE];

export function problemNamed(name: string): Problem {
  const p = ALL_PROBLEMS.find((x) => x.name === name);
  if (!p) throw new Error(`unknown problem "${name}"; known: ${ALL_PROBLEMS.map((x) => x.name).join(", ")}`);
  return p;
}
