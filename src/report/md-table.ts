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

/**
 * Text that must read as written, not as markup: a failure's reason can quote
 * a trial's output (or be a forged result's), and in the study's comment a
 * link, an image, an HTML comment or a tag from it would pass for ours.
 * Markdown shows a backslash-escaped punctuation mark as itself; emphasis
 * marks are left alone, since the terminal shows this table too and
 * `val_accuracy` must stay readable there.
 */
export function plainText(text: string): string {
  return text.replace(/[\\`[\]<>]/g, "\\$&");
}
