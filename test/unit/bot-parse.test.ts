import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommand, quote } from "../../src/bot/parse.ts";
import { hasPermission, permissionFromApi, pinRefusal, screenEvent } from "../../src/bot/policy.ts";
import { applyOverrides, OverrideError } from "../../src/config/overrides.ts";
import { configFrom } from "../helpers/config.ts";

describe("parseCommand", () => {
  it("reads the verbs and the whitelisted settings", () => {
    assert.deepEqual(parseCommand("/tune"), { kind: "start", overrides: {} });
    assert.deepEqual(parseCommand("/tune status"), { kind: "status" });
    assert.deepEqual(parseCommand("/tune stop\nplease"), { kind: "stop" });
    assert.deepEqual(parseCommand("  /tune help"), { kind: "help" });
    assert.deepEqual(parseCommand("/tune restart seed=2"), { kind: "restart", overrides: { seed: 2 } });
    assert.deepEqual(parseCommand("/tune sha=ABCDEF0 seed=1"), {
      kind: "start",
      overrides: { seed: 1 },
      sha: "abcdef0",
    });
    assert.deepEqual(parseCommand("/tune max-trials=40 rounds=3 compare=off config=ml/tune.yaml"), {
      kind: "start",
      overrides: { max_trials: 40, max_rounds: 3, compare: "off", config: "ml/tune.yaml" },
    });
  });

  it("only counts a first line that starts with the command", () => {
    for (const body of ["> /tune", "text\n/tune", "```\n/tune\n```", "/tuned", "please /tune"])
      assert.deepEqual(parseCommand(body), { kind: "none" }, body);
  });

  it("says what is wrong and what is valid", () => {
    const msg = (body: string) => {
      const c = parseCommand(body);
      assert.equal(c.kind, "invalid", body);
      return c.kind === "invalid" ? c.message : "";
    };
    assert.match(
      msg("/tune paralel=3"),
      /unknown setting `paralel` \(did you mean `parallel`\?\); settings: `strategy`/,
    );
    assert.match(msg("/tune stats"), /unknown command `stats` \(did you mean `\/tune status`\?\)/);
    assert.match(msg("/tune parallel=0"), /`parallel`: must be at least 1/);
    assert.match(msg("/tune parallel=1e3"), /must be a whole number/);
    assert.match(msg("/tune strategy=cmaes"), /must be one of `grid`, `random`, `sobol`, `bayes`, `tpe`, `hyperband`/);
    assert.match(msg("/tune config=../secrets.yml"), /a \.yml path inside the repository/);
    assert.match(msg("/tune seed=1 seed=2"), /given twice/);
    assert.match(msg("/tune status now"), /takes nothing after it/);
    assert.match(msg("/tune lr"), /unknown command `lr`; see `\/tune help`/);
    assert.match(msg("/tune sha=xyz1234"), /`sha` must be a commit id of 7 to 40 hex digits/);
    assert.match(msg("/tune sha=abcdef0 sha=abcdef0"), /`sha` is given twice/);
    assert.match(msg("/tune seed=1 lr"), /expected key=value, got `lr`/);
  });

  it("quotes user text short, on one line, and without expression syntax", () => {
    assert.equal(quote("a`b"), "`a'b`");
    assert.equal(quote("${{ secrets.X }}"), "`$ {{ secrets.X }}`");
    assert.equal(quote("x".repeat(100)), `\`${"x".repeat(60)}…\``);
    assert.equal(quote("a\nb"), "`a b`");
  });
});

describe("screenEvent and permissions", () => {
  const base = {
    action: "created",
    comment: { id: 1, body: "/tune", user: { login: "alice", type: "User" } },
    issue: { number: 3, pull_request: { url: "x" } },
  };
  it("lets a person's new comment on a pull request through", () => {
    assert.deepEqual(screenEvent(base), { kind: "ok", pr: 3, commentId: 1, login: "alice" });
  });
  it("ignores edits, bots and issues", () => {
    assert.equal(screenEvent({ ...base, action: "edited" }).kind, "ignore");
    assert.equal(
      screenEvent({ ...base, comment: { ...base.comment, user: { login: "x[bot]", type: "Bot" } } }).kind,
      "ignore",
    );
    assert.equal(screenEvent({ ...base, issue: { number: 3 } }).kind, "ignore");
  });
  it("reads the role from role_name, falling back to the legacy permission for custom roles", () => {
    assert.equal(permissionFromApi({ permission: "write", role_name: "maintain" }), "maintain");
    assert.equal(permissionFromApi({ permission: "read", role_name: "triage" }), "triage");
    assert.equal(permissionFromApi({ permission: "write", role_name: "ml-reviewer" }), "write");
    assert.equal(permissionFromApi({ permission: "read" }), "read");
    assert.equal(permissionFromApi({ permission: "superuser" }), "none");
  });
  it("asks a fork for the reviewed commit, and refuses a named commit that is not the head", () => {
    const head = "abcdef0123456789abcdef0123456789abcdef01";
    assert.equal(pinRefusal("/tune", head, undefined, false), undefined);
    assert.equal(pinRefusal("/tune", head, "abcdef0", true), undefined);
    assert.match(pinRefusal("/tune", head, undefined, true)!, /comment `\/tune sha=abcdef0`/);
    assert.match(
      pinRefusal("/tune restart", head, "abcdef1", false)!,
      /is not this pull request's head.*`\/tune restart sha=abcdef0`/,
    );
  });
  it("orders permissions as GitHub does", () => {
    assert.equal(hasPermission("admin", "write"), true);
    assert.equal(hasPermission("maintain", "write"), true);
    assert.equal(hasPermission("triage", "write"), false);
    assert.equal(hasPermission("read", "triage"), false);
  });
});

describe("repeats and overrides that clash with the config", () => {
  const ONE_PARAMETER = `
name: t
command: [x]
objective: {metric: m, goal: minimize}
parameters:
  a: {type: float, min: 0, max: 1}
`;

  it("/tune repeats=5 asks for five runs per configuration, within 1–20", () => {
    assert.deepEqual(parseCommand("/tune repeats=5"), { kind: "start", overrides: { repeats: 5 } });
    const bad = parseCommand("/tune repeats=50");
    assert.equal(bad.kind, "invalid");
    assert.match(bad.kind === "invalid" ? bad.message : "", /repeats.*at most 20/);
  });

  it("/tune warm-start=off starts from scratch, keeping the config's rerun count; only base or off", () => {
    assert.deepEqual(parseCommand("/tune warm-start=off"), { kind: "start", overrides: { warm_start: "off" } });
    assert.deepEqual(parseCommand("/tune warm_start=base"), { kind: "start", overrides: { warm_start: "base" } });
    const bad = parseCommand("/tune warm-start=12345");
    assert.equal(bad.kind, "invalid");
    assert.match(bad.kind === "invalid" ? bad.message : "", /warm_start.*must be one of `base`, `off`/);
    const config = configFrom(`${ONE_PARAMETER}warm_start: {from: base, rerun: 4}\n`);
    assert.deepEqual(applyOverrides(config, { warm_start: "off" }).warm_start, { from: "off", rerun: 4 });
  });

  it("strategy=hyperband on a config without a resource is refused with the reason", () => {
    const config = configFrom(ONE_PARAMETER);
    assert.equal(applyOverrides(config, { repeats: 3 }).repeats, 3);
    assert.throws(
      () => applyOverrides(config, { strategy: "hyperband" }),
      (err: unknown) =>
        err instanceof OverrideError &&
        /^with strategy=hyperband the config is not valid: strategy: hyperband needs a resource/.test(err.message),
    );
  });
});
