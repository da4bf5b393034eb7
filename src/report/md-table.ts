/**
 * Markdown tables with every cell made safe. A value can hold a `|` or a line
 * break (a categorical value, a failure's reason, a run label), and either would
 * otherwise end its cell or its row early and shift the table.
 */
import { markdownTable, type Options } from "markdown-table";

export function mdTable(rows: readonly (readonly string[])[], options?: Options): string {
  return markdownTable(
    rows.map((row) => row.map(escapeCell)),
    options,
  );
}

/** GitHub reads `\|` as a literal pipe in a table cell, inside code spans too. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}
