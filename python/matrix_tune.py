"""matrix-tune's trial helper for Python: one file, no dependencies, Python >= 3.9.

matrix-tune starts a trial as a process and reads what it reports; this module
speaks that contract (README, "Writing a trial") so a training script need not:

    import matrix_tune as mt

    p = mt.params(defaults={"lr": 0.01, "epochs": 10})  # TUNE_PARAMS_FILE, else --name=value argv
    state = mt.load_checkpoint(default={"epoch": 0})    # a retry or promoted trial finds one
    for epoch in range(state["epoch"] + 1, p["epochs"] + 1):
        ...
        mt.report(step=epoch, val_loss=loss, val_accuracy=acc)  # one point of the curve
        mt.save_checkpoint({"epoch": epoch, ...})
    mt.finish(val_accuracy=acc)                         # the final metrics

A W&B program keeps its code and changes one line, `import wandb` becoming
`from matrix_tune import wandb`: see the `wandb` object at the end.

Where things go, and why:
- report() prints one JSON line per step, `{"step": 3, "val_loss": 0.31}`, flushed
  at once: the runner reads curves from stdout while the trial runs (median
  pruning and hyperband compare them), so nothing may sit in a buffer.
  Non-finite values are written as the strings "NaN"/"Infinity", which the
  runner reads as those numbers, because bare NaN would make the line invalid JSON.
- finish() writes TUNE_METRICS_FILE (it outranks every stdout line) through a
  temporary file renamed into place, so a trial killed mid-write never leaves
  half a file; it also prints `final name=value ...` for a person reading the log.
- Checkpoints live in TUNE_CHECKPOINT_DIR, which matrix-tune fills with the
  parent's (a promoted hyperband trial) or the earlier attempt's (a retry)
  before the trial starts. Without it (a run by hand) nothing is saved.
- A bad parameter ends the program with exit code 2 and one line naming the file
  (or argv element), the field and what would be valid, like argparse does.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import pickle
import re
import sys
from typing import Any, Callable, Iterable, Mapping

__all__ = [
    "params",
    "report",
    "finish",
    "save_checkpoint",
    "load_checkpoint",
    "checkpoint_dir",
    "seed",
    "wandb",
]

_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?(nan|inf|infinity)", re.IGNORECASE)


def _fail(message: str) -> None:
    # SystemExit rather than an exception: the trial's log then shows one line
    # saying what is wrong instead of a traceback through this module.
    print(f"matrix_tune: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


# ------------------------------------------------------------------------------------
# Parameters


def params(defaults: Mapping[str, Any] | None = None, argv: Iterable[str] | None = None) -> dict:
    """The trial's parameters over `defaults`.

    Under matrix-tune they come from the JSON file named by TUNE_PARAMS_FILE (its
    values keep their JSON types); run by hand, from `--name=value` arguments
    (`argv`, default sys.argv[1:]), typed as int, float, true/false or text.
    A value whose type does not fit its default's (text for an int, say) is an error.
    """
    defaults = dict(defaults or {})
    path = os.environ.get("TUNE_PARAMS_FILE")
    given = _params_file(path) if path else _params_argv(sys.argv[1:] if argv is None else list(argv), strict=True)
    where = path or "argv"
    typed = {name: _fit(where, name, value, defaults.get(name)) for name, value in given.items()}
    return {**defaults, **typed}


def _params_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as err:
        _fail(f"cannot read the parameters file {path} (TUNE_PARAMS_FILE): {err.strerror}")
    except ValueError as err:
        _fail(f"{path}: not valid JSON ({err}); expected an object such as {{\"lr\": 0.01}}")
    if not isinstance(data, dict):
        _fail(f"{path}: expected a JSON object of parameters such as {{\"lr\": 0.01}}, got {type(data).__name__}")
    for name, value in data.items():
        ok = isinstance(value, (str, bool, int)) or (isinstance(value, float) and math.isfinite(value))
        if not ok:
            _fail(f"{path}: field \"{name}\" is {json.dumps(value)}; expected a string, a finite number or true/false")
    return data


def _params_argv(argv: list, strict: bool) -> dict:
    out = {}
    for arg in argv:
        m = re.fullmatch(r"--([A-Za-z_][\w.-]*)=(.*)", arg, re.DOTALL)
        if m:
            out[m.group(1)] = _typed(m.group(2))
        elif strict:
            _fail(f"argument {arg!r}: expected --name=value (or run under matrix-tune, which sets TUNE_PARAMS_FILE)")
    return out


def _typed(text: str) -> Any:
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if text in ("true", "True", "false", "False"):
        return text.lower() == "true"
    return text


def _fit(where: str, name: str, value: Any, default: Any) -> Any:
    """`value` as the type of the program's default for it (an int default takes 3.0 as 3)."""
    if default is None:
        return value
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, want = number and float(value).is_integer(), "an integer"
        value = int(value) if ok else value
    elif isinstance(default, float):
        ok, want = number, "a number"
        value = float(value) if ok else value
    elif isinstance(default, str):
        ok, want = isinstance(value, str), "text"
    else:
        ok, want = True, ""
    if not ok:
        _fail(f"{where}: field \"{name}\" is {json.dumps(value)}; expected {want} (the program's default is {default!r})")
    return value


def seed(default: int = 0) -> int:
    """TUNE_SEED: the repeat this run is (0..repeats-1); seed your model with it."""
    text = os.environ.get("TUNE_SEED", "")
    if not text:
        return default
    if not _INT.fullmatch(text):
        _fail(f"TUNE_SEED is {text!r}; expected an integer")
    return int(text)


# ------------------------------------------------------------------------------------
# Metrics


def _number(value: Any) -> float | None:
    """A loggable value as a float: ints, floats, and 0-d tensors or numpy scalars (via .item())."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    item = getattr(value, "item", None)
    if callable(item):
        try:
            inner = item()
        except (TypeError, ValueError, RuntimeError):
            return None  # a tensor with more than one element
        return _number(inner) if not hasattr(inner, "item") else None
    return None


def _json_number(v: float) -> Any:
    if math.isfinite(v):
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def _numbers(metrics: Mapping[str, Any]) -> dict:
    out = {}
    for k, v in metrics.items():
        n = _number(v)
        if n is not None:
            out[str(k)] = n
    return out


def report(step: int | None = None, **metrics: Any) -> None:
    """One point of the trial's curve: prints `{"step": step, ...}` and flushes.

    Without `step` the runner numbers the points 0, 1, 2, ... Values that are
    not numbers are left out.
    """
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
        _fail(f"report(step={step!r}): step must be a whole number >= 0")
    _emit(step, _numbers(metrics))


def _emit(step: int | None, values: Mapping[str, float]) -> None:
    # A metric called "step" would be read as the step: the step given wins.
    line = {k: _json_number(v) for k, v in values.items() if k != "step"}
    if line:
        print(json.dumps(line if step is None else {"step": step, **line}), flush=True)


def finish(**metrics: Any) -> None:
    """The trial's final metrics: TUNE_METRICS_FILE (atomically) and a `final` line."""
    values = _numbers(metrics)
    path = os.environ.get("TUNE_METRICS_FILE")
    if path:
        text = json.dumps({k: _json_number(v) for k, v in values.items()}) + "\n"
        _write_atomic(path, lambda tmp: _write_text(tmp, text))
    line = " ".join(f"{k}={_json_number(v)}" for k, v in values.items() if re.fullmatch(r"[A-Za-z_][\w./-]*", k))
    print(f"final {line}" if line else "final", flush=True)


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _write_atomic(path: str, write: Callable[[str], None]) -> None:
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# ------------------------------------------------------------------------------------
# Checkpoints


def checkpoint_dir() -> str | None:
    """TUNE_CHECKPOINT_DIR, or None when matrix-tune gave none (a run by hand)."""
    return os.environ.get("TUNE_CHECKPOINT_DIR") or None


def save_checkpoint(obj: Any, name: str = "checkpoint.pkl", save: Callable[[Any, str], None] | None = None) -> str | None:
    """Saves `obj` as TUNE_CHECKPOINT_DIR/name, atomically, and returns the path.

    bytes are written as they are; anything else goes through `save(obj, path)`
    (e.g. torch.save), else pickle. Without a checkpoint directory nothing is saved.
    """
    folder = checkpoint_dir()
    if folder is None:
        return None
    path = os.path.join(folder, name)
    if isinstance(obj, (bytes, bytearray)):
        _write_atomic(path, lambda tmp: _write_bytes(tmp, bytes(obj)))
    elif save is not None:
        _write_atomic(path, lambda tmp: save(obj, tmp))
    else:
        _write_atomic(path, lambda tmp: _write_bytes(tmp, pickle.dumps(obj)))
    return path


def _write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def load_checkpoint(
    name: str = "checkpoint.pkl", load: Callable[[str], Any] | None = None, raw: bool = False, default: Any = None
) -> Any:
    """What save_checkpoint saved as `name`, or `default` when there is none.

    `load(path)` reads it (e.g. `lambda p: torch.load(p, weights_only=True)`),
    `raw=True` returns the bytes, else it is unpickled. Only load checkpoints
    your own trials wrote: unpickling runs code.
    """
    folder = checkpoint_dir()
    path = os.path.join(folder, name) if folder else None
    if path is None or not os.path.exists(path):
        return default
    if load is not None:
        return load(path)
    with open(path, "rb") as f:
        data = f.read()
    return data if raw else pickle.loads(data)


# ------------------------------------------------------------------------------------
# The wandb facade


class _Config(dict):
    """wandb.config: item and attribute access over the defaults, the trial's parameters winning.

    As in a W&B sweep, a parameter the study sets cannot be changed by the program:
    update() keeps it and says so on stderr.
    """

    def __init__(self, locked: Mapping[str, Any]):
        super().__init__(locked)
        object.__setattr__(self, "_locked", set(locked))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"wandb.config has no {name!r}; it has {sorted(self)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.update({name: value})

    def __setitem__(self, name: str, value: Any) -> None:
        self.update({name: value})

    def update(self, d: Any = None, allow_val_change: bool = False, **kw: Any) -> None:
        for k, v in {**_as_dict(d), **kw}.items():
            if k in self._locked:
                if v != self[k]:
                    print(f"matrix_tune.wandb: config.{k} is set by the study ({self[k]!r}); {v!r} ignored", file=sys.stderr)
            else:
                dict.__setitem__(self, k, v)

    def setdefaults(self, d: Any) -> None:
        for k, v in _as_dict(d).items():
            self.setdefault(k, v)

    def as_dict(self) -> dict:
        return dict(self)


def _as_dict(d: Any) -> dict:
    if d is None:
        return {}
    if isinstance(d, Mapping):
        return dict(d)
    if hasattr(d, "__dict__"):
        return {k: v for k, v in vars(d).items() if not k.startswith("_")}  # argparse.Namespace
    raise TypeError(f"wandb config must be a dict or an object with attributes, not {type(d).__name__}")


class _Ignored:
    """Whatever a W&B feature without a meaning here returns: callable, any attribute, does nothing."""

    def __call__(self, *args: Any, **kwargs: Any) -> _Ignored:
        return self

    def __getattr__(self, name: str) -> _Ignored:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __enter__(self) -> _Ignored:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __iter__(self):
        return iter(())

    def __bool__(self) -> bool:
        return False


_IGNORED = _Ignored()


class _Run:
    """What wandb.init returns: config, log, summary and finish; other attributes are _Ignored."""

    def __init__(self, config: _Config, project: str | None, name: str | None):
        self.config = config
        self.summary: dict = {}
        self.project = project or os.environ.get("TUNE_STUDY", "")
        self.id = os.environ.get("TUNE_TRIAL_ID", "0")
        self.name = name or f"trial-{self.id}"
        self._logged: dict = {}
        self._pending: dict = {}
        self._step = 0
        self._finished = False

    def log(self, data: Mapping[str, Any], step: int | None = None, commit: bool | None = None) -> None:
        if step is not None and step != self._step:
            self._commit()  # a new step ends the one being built, as in W&B
            self._step = step
        self._pending.update(data)
        # W&B's rule: with an explicit step the values wait for the step to end, else they go now.
        if commit if commit is not None else step is None:
            self._commit()

    def _commit(self) -> None:
        if not self._pending:
            return
        values = _numbers(self._pending)
        _emit(self._step, values)
        self._logged.update(values)
        self._pending = {}
        self._step += 1

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        if self._finished:
            return
        self._finished = True
        self._commit()
        # W&B's summary: each metric's last logged value unless the program set it.
        finish(**{**self._logged, **self.summary})

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.finish()

    def __getattr__(self, name: str) -> Any:
        return wandb._unsupported(f"run.{name}")


class _Wandb:
    """`from matrix_tune import wandb`: W&B's run API, local and offline.

    init/config/log/summary/finish behave as in W&B (the metrics go to matrix-tune,
    never to the network); define_metric, watch, save, Image, Table, Artifact and
    any other name do nothing and say so once on stderr.
    """

    def __init__(self) -> None:
        self.run: _Run | None = None
        self._noted: set = set()

    def init(self, config: Any = None, project: str | None = None, name: str | None = None, **kwargs: Any) -> _Run:
        # entity, tags, mode, dir, resume and the rest of W&B's options have nothing to do here.
        if self.run is not None and not self.run._finished:
            return self.run
        path = os.environ.get("TUNE_PARAMS_FILE")
        # Run by hand, a W&B program may have flags of its own: only --name=value ones are parameters.
        given = _params_file(path) if path else _params_argv(sys.argv[1:], strict=False)
        cfg = _Config(given)
        cfg.setdefaults(config)
        self.run = _Run(cfg, project, name)
        atexit.register(self.run.finish)  # W&B finishes a run left open when the program ends
        return self.run

    def _current(self) -> _Run:
        return self.run if self.run is not None else self.init()

    @property
    def config(self) -> _Config:
        return self._current().config

    @property
    def summary(self) -> dict:
        return self._current().summary

    def log(self, data: Mapping[str, Any], step: int | None = None, commit: bool | None = None) -> None:
        self._current().log(data, step=step, commit=commit)

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        if self.run is not None:
            self.run.finish(exit_code, quiet)

    def _unsupported(self, name: str) -> _Ignored:
        if name not in self._noted:
            self._noted.add(name)
            print(f"matrix_tune.wandb: {name} does nothing under matrix-tune; ignored", file=sys.stderr)
        return _IGNORED

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._unsupported(f"wandb.{name}")


wandb = _Wandb()
