#!/usr/bin/python3
"""Optuna's multi-objective samplers on the problems of bench/mo-problems.ts,
with the protocol of ../shared/peers/MO_TARGETS.md: for each problem, batch
size q and seed, ask q trials, evaluate them, tell q results, until N = 100;
the score is the HV regret of the feasible evaluated points after each trial;
each cell is the median final regret over seeds with a bootstrap 90% interval.

Written for our own problems (dtlz2_3d, tnk, mixed_model), which have no
published peer numbers, and run on one shared problem too (dtlz2) to check
that it reproduces MO_TARGETS.md's numbers, so that the comparison is like for
like. Samplers: tpe = TPESampler, nsga2_small = NSGAIISampler with population
20 (MO_TARGETS' better NSGA-II at this budget), both with constraints_func
(c ≤ 0 feasible) on constrained problems.

Nothing is rewritten in Python: spaces, metrics, reference points, true
hypervolumes and the regret itself come from the TypeScript definitions
through bench/peers/mo-evaluate.ts.

A bench-only tool, never a test dependency. Needs Debian's python3-optuna
(3.1.0): apt-get install -y python3-optuna. Adds to bench/peers/optuna_mo.json
(a cell run again replaces the old one; each cell names the run that made
it), which bench/mo.ts reads. Usage:

  /usr/bin/python3 bench/peers/optuna_mo.py [--seeds 30] [--q 1,4] [--workers 2]
      [--problems dtlz2_3d,tnk,mixed_model] [--samplers tpe,nsga2_small] [--out bench/peers/optuna_mo.json]
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time

import numpy as np
import optuna

from optuna_suite import Objective, bootstrap_ci, suggest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OWN = ["dtlz2_3d", "tnk", "mixed_model"]
SAMPLERS = ["tpe", "nsga2_small"]


class Problems(Objective):
    """A bench/peers/mo-evaluate.ts process (asked as optuna_suite's evaluate.ts is)."""

    def __init__(self):
        tsx = os.path.join(ROOT, "node_modules", ".bin", "tsx")
        self.proc = subprocess.Popen([tsx, os.path.join(HERE, "mo-evaluate.ts")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def constraint_values(problem, metrics):
    """Each limit as Optuna's c ≤ 0: metric − max, min − metric."""
    out = []
    for c in problem["constraints"]:
        if "max" in c:
            out.append(metrics[c["metric"]] - c["max"])
        if "min" in c:
            out.append(c["min"] - metrics[c["metric"]])
    return out


def make_sampler(name, seed, constrained):
    constraints_func = (lambda t: t.user_attrs["c"]) if constrained else None
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, constraints_func=constraints_func)
    if name == "nsga2_small":
        return optuna.samplers.NSGAIISampler(population_size=20, seed=seed, constraints_func=constraints_func)
    raise ValueError(name)


_problems = None


def run_one(job):
    """One study: its HV regret after each trial and the mean ask time per round (ms)."""
    global _problems
    if _problems is None:
        _problems = Problems()
    problem, sampler, q, seed = job
    constrained = bool(problem["constraints"])
    study = optuna.create_study(
        directions=[o["goal"] for o in problem["objective"]],
        sampler=make_sampler(sampler, seed, constrained),
    )
    evaluated, rounds, ask_s = [], 0, 0.0
    while len(evaluated) < problem["budget"]:
        k = min(q, problem["budget"] - len(evaluated))
        t0 = time.perf_counter()
        batch = []
        for _ in range(k):
            trial = study.ask()
            batch.append((trial, suggest(trial, problem["parameters"])))
        ask_s += time.perf_counter() - t0
        rounds += 1
        for trial, params in batch:
            metrics = _problems.ask({"problem": problem["name"], "params": params})
            if constrained:
                trial.set_user_attr("c", constraint_values(problem, metrics))
            study.tell(trial, [metrics[o["metric"]] for o in problem["objective"]])
            evaluated.append(metrics)
    curve = _problems.ask({"problem": problem["name"], "regret": evaluated})
    return curve, 1000 * ask_s / rounds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--q", default="1,4")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--problems", default=",".join(OWN))
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    ap.add_argument("--out", default=os.path.join(HERE, "optuna_mo.json"))
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    described = {p["name"]: p for p in Problems().ask({"describe": True})}
    unknown = [n for n in args.problems.split(",") if n not in described]
    if unknown:
        sys.exit(f"--problems: unknown {', '.join(unknown)}; known: {', '.join(described)}")
    problems = [described[n] for n in args.problems.split(",")]
    qs = [int(x) for x in args.q.split(",")]
    samplers = args.samplers.split(",")

    jobs = [(p, s, q, seed) for p in problems for q in qs for s in samplers for seed in range(args.seeds)]
    started = time.time()
    print(f"optuna {optuna.__version__}: {len(jobs)} studies on {args.workers} processes", file=sys.stderr)
    results = []
    with multiprocessing.Pool(args.workers) as pool:
        for result in pool.imap(run_one, jobs, chunksize=1):
            results.append(result)
            if len(results) % 20 == 0:
                print(f"  {len(results)}/{len(jobs)} ({time.time() - started:.0f} s)", file=sys.stderr)
    wall = time.time() - started

    rng = np.random.default_rng(0)
    by = {}
    for (p, s, q, _seed), result in zip(jobs, results):
        by.setdefault((p["name"], q, s), []).append(result)
    cells = []
    for (name, q, s), runs in by.items():
        finals = [curve[-1] for curve, _ in runs]
        curves = np.array([curve for curve, _ in runs])
        cells.append({
            "problem": name,
            "q": q,
            "sampler": s,
            "finals": finals,
            "median": float(np.median(finals)),
            "ci": list(bootstrap_ci(finals, rng)),
            "askMsPerRound": float(np.mean([ms for _, ms in runs])),
            "curve": [float(x) for x in np.median(curves, axis=0)],
        })
    run = {
        "command": "/usr/bin/python3 bench/peers/optuna_mo.py " + " ".join(sys.argv[1:]),
        "optuna": optuna.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "seeds": args.seeds,
        "workers": args.workers,
        "seconds": round(wall),
    }
    for cell in cells:
        cell["run"] = run
    # Runs add to the file: a cell measured again replaces the old one, so the costly
    # problems can be run apart from the rest.
    key = lambda c: (c["problem"], c["q"], c["sampler"])
    fresh = {key(c) for c in cells}
    kept = []
    if os.path.exists(args.out):
        with open(args.out) as f:
            kept = [c for c in json.load(f)["cells"] if key(c) not in fresh]
    out = {"made_by": "bench/peers/optuna_mo.py", "cells": kept + cells}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out} in {wall:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
