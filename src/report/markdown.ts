/** The whole study as a markdown document (the local report file; later the PR comment too). */
import type { Config } from "../config/schema.ts";
import type { Study } from "../study/schema.ts";
import { mermaidConvergence } from "./chart.ts";
import { baselineLine, bestSnippet, countsLine, stopLine } from "./summary.ts";
import { resultsTable, type TableOptions } from "./table.ts";

export function markdownReport(config: Config, study: Study, opts: TableOptions = {}): string {
  const goal = config.objective.goal === "maximize" ? "maximize" : "minimize";
  const parts = [
    `## matrix-tune: ${study.name}`,
    `${countsLine(study)} · strategy \`${study.strategy}\` · ${goal} \`${config.objective.metric}\``,
    stopLine(study),
    baselineLine(config, study),
  ].filter((p): p is string => p !== undefined);
  const snippet = bestSnippet(config, study);
  parts.push(snippet ? `### Best configuration\n\n\`\`\`yaml\n${snippet}\n\`\`\`` : "_No trial has succeeded yet._");
  const chart = mermaidConvergence(config, study);
  if (chart) parts.push(`### Convergence\n\n${chart}`);
  parts.push(`### Trials\n\n${resultsTable(config, study, opts)}`);
  return `${parts.join("\n\n")}\n`;
}
