#!/usr/bin/python3
"""Optuna's samplers on the wider suite of issue #13 (bench/suite.ts), with the
protocol of ../shared/peers/TARGETS.md: for each problem, batch size q and seed,
ask q trials, evaluate them, tell q results, until the problem's budget is spent;
the final simple regret is the best value found minus f* (on a noisy problem,
the noise-free value of the best observed trial, as bench/harness.ts scores
ours); each cell is the median over seeds with a bootstrap 90% interval.

The objective is not rewritten in Python: every value comes from the TypeScript
definitions through bench/peers/evaluate.ts, so the peers and matrix-tune see
the same functions and the same seeded noise. The script checks that bridge
first: f at each problem's known optimum must be f*.

A bench-only tool, never a test dependency. Needs Debian's python3-optuna
(3.1.0): apt-get install -y python3-optuna. Writes bench/peers/suite.md, which
bench/run.ts reads for the peer columns and the targets. Usage:

  /usr/bin/python3 bench/peers/optuna_suite.py [--seeds 30] [--q 4] [--workers 2]
      [--problems a,b] [--samplers tpe,tpe_cl,...] [--out bench/peers/suite.md]
"""

import argparse
import json
import math
import multiprocessing
import os
import subprocess
import sys
import time

import numpy as np
import optuna

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLERS = ["tpe", "tpe_cl", "tpe_mv", "tpe_mv_cl", "cmaes", "qmc", "random"]
SUITE_FIRST = "rastrigin5_shifted"  # the suite's problems follow the shared five in ALL_PROBLEMS


class Objective:
    """A bench/peers/evaluate.ts process: the TypeScript definitions, one JSON line each way."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [os.path.join(ROOT, "node_modules", ".bin", "tsx"), os.path.join(HERE, "evaluate.ts")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def describe(self):
        return self.ask({"describe": True})

    def value(self, problem, seed, trial, params):
        return self.ask({"problem": problem, "seed": seed, "trial": trial, "params": params})


def active(spec, params):
    when = spec.get("when")
    if not when:
        return True
    for other, allowed in when.items():
        allowed = allowed if isinstance(allowed, list) else [allowed]
        if other not in params or params[other] not in allowed:
            return False
    return True


def suggest(trial, parameters):
    """Define-by-run: a parameter is asked for only when its `when:` holds, in declaration order."""
    params = {}
    for name, spec in parameters.items():
        if not active(spec, params):
            continue
        log = spec.get("scale") == "log"
        if spec["type"] == "float":
            params[name] = trial.suggest_float(name, spec["min"], spec["max"], log=log)
        elif spec["type"] == "int":
            params[name] = trial.suggest_int(name, spec["min"], spec["max"], log=log)
        elif spec["type"] == "categorical":
            params[name] = trial.suggest_categorical(name, spec["values"])
        else:
            raise ValueError(f"{name}: parameter type {spec['type']} not supported here")
    return params


def continuous(problem):
    return all(s["type"] == "float" and not s.get("when") for s in problem["parameters"].values())


def make_sampler(name, seed):
    tpe = optuna.samplers.TPESampler
    if name == "tpe":
        return tpe(seed=seed)
    if name == "tpe_cl":
        return tpe(seed=seed, constant_liar=True)
    if name == "tpe_mv":
        return tpe(seed=seed, multivariate=True)
    if name == "tpe_mv_cl":
        return tpe(seed=seed, multivariate=True, constant_liar=True)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "qmc":
        # Optuna 3.1's QMCSampler treats seed 0 as "no seed" (TARGETS.md): use seed + 1.
        return optuna.samplers.QMCSampler(seed=seed + 1)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise ValueError(name)


def applies(sampler, problem, q):
    if sampler.endswith("_cl") and q == 1:
        return False  # constant liar only matters with pending trials
    if sampler == "cmaes" and not continuous(problem):
        return False  # as in TARGETS.md: no CMA-ES on mixed spaces
    return True


_objective = None


def run_one(job):
    """One study: returns its final regret and the mean ask time in ms."""
    global _objective
    if _objective is None:
        _objective = Objective()
    problem, sampler, q, seed = job
    study = optuna.create_study(direction="minimize", sampler=make_sampler(sampler, seed))
    best_observed, best_clean, n, ask_s = math.inf, math.inf, 0, 0.0
    while n < problem["budget"]:
        k = min(q, problem["budget"] - n)
        t0 = time.perf_counter()
        batch = []
        for _ in range(k):
            trial = study.ask()
            batch.append((trial, suggest(trial, problem["parameters"])))
        ask_s += time.perf_counter() - t0
        for trial, params in batch:
            v = _objective.value(problem["name"], seed, n, params)
            if v["observed"] < best_observed:
                best_observed, best_clean = v["observed"], v["clean"]
            study.tell(trial, v["observed"])
            n += 1
    return max(0.0, best_clean - problem["fStar"]), 1000 * ask_s / problem["budget"]


def bootstrap_ci(xs, rng, reps=2000):
    xs = np.asarray(xs)
    meds = np.median(rng.choice(xs, size=(reps, len(xs)), replace=True), axis=1)
    return float(np.quantile(meds, 0.05)), float(np.quantile(meds, 0.95))


def fmt(x):
    if x == 0 or abs(x) >= 1e-3:
        return f"{x:.4g}"
    return f"{x:.2e}"


def check_bridge(objective, problems):
    for p in problems:
        if "optimum" not in p:
            continue
        v = objective.value(p["name"], 0, 0, p["optimum"])["clean"]
        if abs(v - p["fStar"]) > 1e-9 * max(1.0, abs(p["fStar"])):
            sys.exit(f"{p['name']}: f at the optimum is {v}, not f* = {p['fStar']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--q", default="4")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--problems")
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    ap.add_argument("--out", default=os.path.join(HERE, "suite.md"))
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    objective = Objective()
    described = objective.describe()
    names = [p["name"] for p in described]
    suite = described[names.index(SUITE_FIRST):]
    problems = [p for p in suite if not args.problems or p["name"] in args.problems.split(",")]
    check_bridge(objective, problems)
    qs = [int(x) for x in args.q.split(",")]
    samplers = args.samplers.split(",")

    jobs = [(p, s, q, seed) for p in problems for q in qs for s in samplers if applies(s, p, q) for seed in range(args.seeds)]
    started = time.time()
    print(f"optuna {optuna.__version__}: {len(jobs)} studies on {args.workers} processes", file=sys.stderr)
    results = []
    with multiprocessing.Pool(args.workers) as pool:
        for result in pool.imap(run_one, jobs, chunksize=1):
            results.append(result)
            if len(results) % 100 == 0:
                print(f"  {len(results)}/{len(jobs)} ({time.time() - started:.0f} s)", file=sys.stderr)
    wall = time.time() - started

    rng = np.random.default_rng(0)
    cells = {}
    for (p, s, q, _seed), (regret, ms) in zip(jobs, results):
        cells.setdefault((p["name"], q), {}).setdefault(s, []).append((regret, ms))

    command = "/usr/bin/python3 bench/peers/optuna_suite.py " + " ".join(sys.argv[1:])
    lines = [
        "# Optuna peers on the wider suite (issue #13)",
        "",
        f"Made by `{command.strip()}` ({wall:.0f} s, {args.workers} processes, Optuna {optuna.__version__}, "
        f"{time.strftime('%Y-%m-%d')}), with the protocol of ../shared/peers/TARGETS.md: ask q, evaluate, tell q; "
        "values from the TypeScript definitions (bench/peers/evaluate.ts); on noisy problems the regret is the "
        "noise-free value of the best observed trial. CMA-ES only on all-float spaces; *_cl only with q > 1.",
        "",
        f"## Median final simple regret with {args.seeds} seeds",
        "",
        "Cells: median final regret over seeds, with a bootstrap 90% confidence interval of the median. "
        "Bold: the best sampler for that problem and q.",
        "",
        "| problem | q | " + " | ".join(samplers) + " |",
        "|---|---|" + "---|" * len(samplers),
    ]
    timing = []
    for (name, q), by in cells.items():
        medians = {s: float(np.median([r for r, _ in v])) for s, v in by.items()}
        best = min(medians, key=medians.get)
        row = []
        for s in samplers:
            if s not in by:
                row.append("–")
                continue
            lo, hi = bootstrap_ci([r for r, _ in by[s]], rng)
            cell = f"{fmt(medians[s])} [{fmt(lo)}, {fmt(hi)}]"
            row.append(f"**{cell}**" if s == best else cell)
        lines.append(f"| {name} | {q} | " + " | ".join(row) + " |")
        timing.append(f"| {name} | {q} | " + " | ".join(f"{np.mean([m for _, m in by[s]]):.2f}" if s in by else "–" for s in samplers) + " |")
    lines += [
        "",
        "## Mean ask time (ms per trial)",
        "",
        "| problem | q | " + " | ".join(samplers) + " |",
        "|---|---|" + "---|" * len(samplers),
        *timing,
        "",
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {args.out} in {wall:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
