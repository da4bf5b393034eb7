/** Keeps the end of a stream of text: at most `maxLines` lines and `maxChars` characters. */
export class TailBuffer {
  private buf = "";

  constructor(
    private readonly maxLines: number,
    private readonly maxChars: number,
  ) {}

  push(chunk: string): void {
    this.buf += chunk;
    // Trim only when well past the limit, so that pushing stays amortised O(1).
    if (this.buf.length > this.maxChars * 2) this.buf = this.buf.slice(-this.maxChars);
  }

  text(): string {
    let t = this.buf.length > this.maxChars ? this.buf.slice(-this.maxChars) : this.buf;
    if (Number.isFinite(this.maxLines)) {
      // A final newline ends the last line; it does not start another.
      const ended = t.endsWith("\n");
      const lines = (ended ? t.slice(0, -1) : t).split("\n");
      if (lines.length > this.maxLines) t = `${lines.slice(-this.maxLines).join("\n")}${ended ? "\n" : ""}`;
    }
    return t;
  }
}
