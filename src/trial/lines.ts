/**
 * Splits streamed output into lines without copying what came before: a line
 * is joined once, when its newline arrives, and a line longer than any metric
 * line (a progress bar redrawn with carriage returns, a blob of binary) is
 * dropped instead of held. 100 MB without a newline then costs neither
 * quadratic time nor 100 MB of memory.
 */
export class LineSplitter {
  private pieces: string[] = [];
  private length = 0;
  private overlong = false;

  constructor(private readonly maxChars = 1 << 16) {}

  /** The lines this chunk completes. */
  push(chunk: string): string[] {
    const parts = chunk.split("\n");
    const lines: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      this.hold(parts[i]!);
      if (i < parts.length - 1) {
        const line = this.release();
        if (line !== undefined) lines.push(line);
      }
    }
    return lines;
  }

  /** The last line, when the output ends without a newline. */
  end(): string[] {
    const line = this.release();
    return line ? [line] : [];
  }

  private hold(text: string): void {
    if (this.overlong || !text) return;
    this.length += text.length;
    if (this.length > this.maxChars) {
      this.overlong = true;
      this.pieces = [];
    } else this.pieces.push(text);
  }

  private release(): string | undefined {
    const line = this.overlong ? undefined : this.pieces.join("");
    this.pieces = [];
    this.length = 0;
    this.overlong = false;
    return line;
  }
}
