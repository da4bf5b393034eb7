/**
 * Where the driver and the backends say what happens. The Action maps it to
 * workflow annotations, the CLI to the terminal, the benchmarks to nothing: the
 * round logic never names a platform's logging API.
 */
export interface Log {
  info(line: string): void;
  /** Worth the user's attention, not a problem: a strategy's note, a fallback taken. */
  notice(line: string): void;
  /** Something was skipped or lost and the study went on without it. */
  warning(line: string, title?: string): void;
  error(line: string, title?: string): void;
}

export const silentLog: Log = { info() {}, notice() {}, warning() {}, error() {} };
