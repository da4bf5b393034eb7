/**
 * The bot's record of a pull request's study, kept inside the study's own
 * comment (base64 JSON in an HTML comment, so no text can close it early).
 * The comment is the one place every job can read and write without extra
 * storage: the slash command starts and stops studies through it, and the
 * report job keeps it current.
 */
import { z } from "zod";
import { overridesSchema } from "../config/overrides.ts";

export const botStateSchema = z.object({
  v: z.literal(1),
  status: z.enum(["running", "stopping", "done"]),
  /** The head commit pinned when `/tune` was given. */
  sha: z.string().regex(/^[0-9a-f]{7,64}$/),
  requestedBy: z.string(),
  overrides: overridesSchema,
  /** The comment that asked, for reactions. */
  commentId: z.int().optional(),
  stopRequestedBy: z.string().optional(),
});
export type BotState = z.infer<typeof botStateSchema>;

const PATTERN = /<!-- matrix-tune:bot=([A-Za-z0-9+/=]+) -->/;

export function readBotState(body: string | null | undefined): BotState | undefined {
  const m = PATTERN.exec(body ?? "");
  if (!m) return undefined;
  try {
    const parsed = botStateSchema.safeParse(JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function botStateLine(state: BotState): string {
  return `<!-- matrix-tune:bot=${Buffer.from(JSON.stringify(state)).toString("base64")} -->`;
}
