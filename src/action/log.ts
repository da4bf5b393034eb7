/** The driver's log as workflow annotations: a notice, warning or error shows on the run's page. */
import * as core from "@actions/core";
import type { Log } from "../driver/log.ts";

export const actionsLog: Log = {
  info: (line) => core.info(line),
  notice: (line) => core.notice(line, { title: "matrix-tune" }),
  warning: (line, title) => core.warning(line, title ? { title } : {}),
  error: (line, title) => core.error(line, title ? { title } : {}),
};
