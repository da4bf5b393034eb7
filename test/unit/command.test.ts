import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandArgv, splitCommand, templateNames } from "../../src/config/command.ts";

const builtins = { trial_id: "7", output_dir: "/tmp/study/trial-7", seed: "0", fold: "0", folds: "1" };

describe("splitCommand", () => {
  it("splits on whitespace and keeps ${name} literal", () => {
    assert.deepEqual(splitCommand("python  train.py --lr=${lr} --bs ${batch_size}"), [
      "python",
      "train.py",
      "--lr=${lr}",
      "--bs",
      "${batch_size}",
    ]);
  });

  it("honours double quotes, single quotes and escaped spaces", () => {
    assert.deepEqual(splitCommand(`run "a b" 'c d' "x'y" 'p"q' my\\ script.sh arg\\ 1`), [
      "run",
      "a b",
      "c d",
      "x'y",
      'p"q',
      "my script.sh",
      "arg 1",
    ]);
  });

  it("keeps placeholders inside quotes as one element", () => {
    assert.deepEqual(splitCommand(`train "--name=\${name} run" '\${lr}'`), ["train", "--name=${name} run", "${lr}"]);
  });

  it("turns an unbraced $VAR into a placeholder that validation will flag", () => {
    const argv = splitCommand("train --home $HOME");
    assert.deepEqual(argv, ["train", "--home", "${HOME}"]);
    assert.deepEqual(templateNames(argv), ["HOME"]);
  });

  it("returns a list command as a copy, unsplit and unchecked", () => {
    const list = ["train", "a b", "|", "${lr}"];
    const got = splitCommand(list);
    assert.deepEqual(got, list);
    assert.notEqual(got, list);
  });

  for (const [command, op] of [
    ["train | tee log", "|"],
    ["train > out.txt", ">"],
    ["train && echo done", "&&"],
    ["train; echo done", ";"],
    ["train < in.txt", "<"],
    ["train 2>&1", ">&"],
    ["train &", "&"],
  ] as const) {
    it(`refuses the shell operator ${op}`, () => {
      assert.throws(
        () => splitCommand(command),
        (err: Error) => {
          assert.match(err.message, new RegExp(`shell operator "${op.replace(/[|&]/g, "\\$&")}"`));
          assert.match(err.message, /commands do not run through a shell/);
          assert.match(err.message, /give the command as a list/);
          return true;
        },
      );
    });
  }

  it("refuses command substitution, globs and comments", () => {
    assert.throws(() => splitCommand("train $(rm -rf /)"), /shell operator "\("/);
    assert.throws(() => splitCommand("train data/*.csv"), /glob pattern "data\/\*\.csv"/);
    assert.throws(() => splitCommand("train # comment"), /shell comment "#"/);
  });
});

describe("templateNames", () => {
  it("lists each name once, in order of first use", () => {
    assert.deepEqual(templateNames(["train", "--lr=${lr}", "${a}-${b}", "${lr}", "plain", "$x"]), ["lr", "a", "b"]);
    assert.deepEqual(templateNames(["train", "--x"]), []);
  });
});

describe("expandArgv", () => {
  it("fills in parameters and builtins", () => {
    assert.deepEqual(
      expandArgv(
        ["train", "--lr=${lr}", "--opt", "${optimizer}", "${a}_${b}", "--out=${output_dir}/model", "--id=${trial_id}"],
        { lr: 0.001, optimizer: "adam", a: 1, b: true },
        builtins,
      ),
      ["train", "--lr=0.001", "--opt", "adam", "1_true", "--out=/tmp/study/trial-7/model", "--id=7"],
    );
  });

  it("formats numbers as JavaScript prints them", () => {
    assert.deepEqual(expandArgv(["${a}", "${b}", "${c}", "${d}"], { a: 1e-7, b: 3, c: 0.1, d: -2.5 }, builtins), [
      "1e-7",
      "3",
      "0.1",
      "-2.5",
    ]);
  });

  it("puts each value, whatever it holds, in exactly one element unchanged", () => {
    const values = [
      "a b  c",
      `"double" 'single'`,
      "$(rm -rf /)",
      "x; rm -rf / && echo pwned | tee out > file",
      "`id`",
      "${lr}",
      "$& $1 $$",
      "line1\nline2",
      "--flag",
      "*.csv",
      "",
    ];
    for (const v of values) {
      const got = expandArgv(["prog", "--v=${v}", "${v}", "after"], { v, lr: 0.5 }, builtins);
      assert.deepEqual(got, ["prog", `--v=${v}`, v, "after"], JSON.stringify(v));
    }
  });

  it("drops whole elements that name an inactive parameter", () => {
    assert.deepEqual(
      expandArgv(
        ["train", "--opt=${optimizer}", "--momentum=${momentum}", "${optimizer}-${momentum}", "--end"],
        { optimizer: "adam" },
        builtins,
      ),
      ["train", "--opt=adam", "--end"],
    );
  });

  it("does not change the template", () => {
    const argv = ["train", "--lr=${lr}"];
    expandArgv(argv, { lr: 1 }, builtins);
    assert.deepEqual(argv, ["train", "--lr=${lr}"]);
  });
});
