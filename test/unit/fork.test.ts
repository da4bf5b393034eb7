/** Deciding whether a study runs a fork's code: an answer is taken, found, or the step fails; never guessed. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isFork } from "../../src/action/fork.ts";

const repo = () => ({ owner: "octo-org", repo: "models" });
const ask = (over: Partial<Parameters<typeof isFork>[0]>) =>
  isFork({ input: "", eventPull: undefined, repo, pr: undefined, client: undefined, ...over });

describe("isFork", () => {
  it("takes the plan's answer, and refuses any other word", async () => {
    assert.equal(await ask({ input: "true" }), true);
    assert.equal(await ask({ input: "false", eventPull: { head: { repo: { full_name: "eve/models" } } } }), false);
    await assert.rejects(ask({ input: "yes" }), /input fork must be "true", "false" or empty/);
  });

  it("reads the event's pull request: another repository, or a deleted fork, is a fork", async () => {
    assert.equal(await ask({ eventPull: { head: { repo: { full_name: "octo-org/models" } } } }), false);
    assert.equal(await ask({ eventPull: { head: { repo: { full_name: "eve/models" } } } }), true);
    assert.equal(await ask({ eventPull: { head: { repo: null } } }), true);
    await assert.rejects(ask({ eventPull: { head: {} } }), /refusing to guess/);
  });

  it("a pull request it cannot ask about is an error, not a same-repository one", async () => {
    assert.equal(await ask({}), false, "no pull request at all");
    await assert.rejects(
      ask({ pr: 7 }),
      /cannot tell whether pull request #7 comes from a fork: pass the plan step's fork output/,
    );
  });
});
