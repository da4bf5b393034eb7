#!/usr/bin/python3
"""Optuna's fANOVA importance (FanovaImportanceEvaluator, a random forest) of
studies given on stdin as JSON: [{"parameters": {name: spec}, "trials":
[{"params": {...}, "value": v}]}], spec as matrix-tune's parameters (float,
int, categorical). Prints [{name: importance}] in the same order.

A bench-only tool for bench/importance-optuna.ts, never a test dependency.
Needs Debian's python3-optuna (3.1.0) and python3-sklearn.
"""
import json
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator
from optuna.trial import create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distribution(spec):
    log = spec.get("scale") == "log"
    if spec["type"] == "float":
        return FloatDistribution(spec["min"], spec["max"], log=log)
    if spec["type"] == "int":
        return IntDistribution(spec["min"], spec["max"], log=log)
    return CategoricalDistribution(spec["values"])


def importance(study_input):
    dists = {name: distribution(spec) for name, spec in study_input["parameters"].items()}
    study = optuna.create_study(direction="minimize")
    for t in study_input["trials"]:
        study.add_trial(create_trial(params=t["params"], distributions=dists, value=t["value"]))
    return optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))


json.dump([importance(s) for s in json.load(sys.stdin)], sys.stdout)
