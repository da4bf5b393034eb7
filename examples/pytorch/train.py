#!/usr/bin/env python3
"""digits MLP in PyTorch: the GPU-runner twin of ../digits-mlp/train.mjs.

Trains a multilayer perceptron on the UCI 8x8 handwritten digits
(../digits-mlp/data/digits.csv.gz: 64 pixel columns valued 0..16, then the label) with
mini-batch SGD, on CUDA when available. It follows the same conventions as train.mjs,
so matrix-tune can run either one as a trial:

Flags (unknown flag or bad value -> message on stderr, exit code 2):
  --lr 0.01 --lr-decay 0 (epoch e uses lr / (1 + lr_decay * e)) --momentum 0
  --layers 1 --nodes 32 --batch-size 32 --epochs 10 --activation relu|tanh --l2 0
  --seed N (default $TUNE_SEED, else 0)
The validation set is the same fixed stratified 80/20 split that train.mjs uses
(independent of --seed).

It talks to matrix-tune through ../../python/matrix_tune.py (tune.yml puts it on
PYTHONPATH):
  stdout               one JSON line per epoch (matrix_tune.report),
                       `{"step": 3, "train_loss": 0.4123, "val_loss": 0.3012, "val_accuracy": 0.9472}`,
                       then `final val_accuracy=... val_loss=...`
  TUNE_SEED            default for --seed
  TUNE_METRICS_FILE    final metrics as JSON (matrix_tune.finish):
                       {"val_accuracy","val_loss","train_loss","epochs","train_seconds"}
  TUNE_CHECKPOINT_DIR  `checkpoint.pt` (torch.save through matrix_tune.save_checkpoint,
                       atomic) after every epoch (model, optimizer, scheduler, RNG state,
                       epoch); a run whose flags match except --epochs resumes from it and
                       trains only the remaining epochs (`resumed from epoch=N` on stderr).
If the loss becomes NaN/inf, training stops, `diverged at epoch N` goes to stderr and
the run still exits 0 with the metrics it has.

Requires Python >= 3.9 and PyTorch >= 1.13; no other dependencies.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import math
import sys
import time
from pathlib import Path

import matrix_tune as mt
import torch
from torch import nn

DATA = Path(__file__).resolve().parent.parent / "digits-mlp" / "data" / "digits.csv.gz"
N_IN, N_OUT = 64, 10
SPLIT_SEED = 1998  # same fixed partition as train.mjs
CHECKPOINT_VERSION = 1
CHECKPOINT = "checkpoint.pt"
# torch < 2's weights-only loader refuses plain floats (the optimizer's lr), so it
# cannot read this checkpoint; it is one this study's own runs of this script wrote,
# no less trusted than the script itself.
WEIGHTS_ONLY = int(torch.__version__.split(".")[0]) >= 2


# --------------------------------------------------------------------------------------
# Command line


def number(name: str, lo: float, hi: float, *, integer: bool = False, lo_open: bool = False):
    kind = "an integer" if integer else "a number"
    def show(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else str(v)

    rng = f"{'(' if lo_open else '['}{show(lo)}, {show(hi)}]"

    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            value = None
        if (
            value is None
            or not math.isfinite(value)
            or (value <= lo if lo_open else value < lo)
            or value > hi
        ):
            raise argparse.ArgumentTypeError(f"invalid {name} '{text}': expected {kind} in {rng}")
        return value

    return parse


def parse_args(argv: list[str]) -> argparse.Namespace:
    seed_type = number("--seed", 0, 2**32 - 1, integer=True)
    p = argparse.ArgumentParser(
        description="Train an MLP on the UCI digits (matrix-tune example workload).",
        allow_abbrev=False,
    )
    p.add_argument("--lr", type=number("--lr", 0, 10, lo_open=True), default=0.01)
    p.add_argument("--lr-decay", type=number("--lr-decay", 0, 100), default=0.0)
    p.add_argument("--momentum", type=number("--momentum", 0, 0.999), default=0.0)
    p.add_argument("--layers", type=number("--layers", 0, 8, integer=True), default=1)
    p.add_argument("--nodes", type=number("--nodes", 1, 1024, integer=True), default=32)
    p.add_argument("--batch-size", type=number("--batch-size", 1, 2048, integer=True), default=32)
    p.add_argument("--epochs", type=number("--epochs", 1, 1000, integer=True), default=10)
    p.add_argument("--activation", choices=("relu", "tanh"), default="relu")
    p.add_argument("--l2", type=number("--l2", 0, 1), default=0.0)
    p.add_argument("--seed", type=seed_type, default=None)
    args = p.parse_args(argv)  # exits with code 2 on errors
    if args.seed is None:
        args.seed = mt.seed()
    return args


def hyperparameters(args: argparse.Namespace) -> dict:
    """All flags except --epochs: a checkpoint is resumed only if these match."""
    hp = dict(vars(args))
    hp.pop("epochs")
    return hp


# --------------------------------------------------------------------------------------
# Data


class Mulberry32:
    """The PRNG train.mjs uses, so both scripts pick the same validation samples."""

    def __init__(self, seed: int):
        self.state = seed & 0xFFFFFFFF

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def shuffle(self, a: list) -> None:
        for i in range(len(a) - 1, 0, -1):
            j = int(self.next() * (i + 1))
            a[i], a[j] = a[j], a[i]


def _imul(a: int, b: int) -> int:
    return (a * b) & 0xFFFFFFFF


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    with gzip.open(DATA, "rt", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    x = torch.tensor([[float(v) for v in r[:N_IN]] for r in rows], dtype=torch.float32) / 16
    y = torch.tensor([int(r[N_IN]) for r in rows], dtype=torch.long)
    return x, y


def split_80_20(y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Fixed stratified split: part 0 of 5 is validation (as in train.mjs)."""
    rng = Mulberry32(SPLIT_SEED)
    labels = y.tolist()
    part = [0] * len(labels)
    offset = 0
    for c in range(N_OUT):
        idx = [i for i, v in enumerate(labels) if v == c]
        rng.shuffle(idx)
        for p, i in enumerate(idx):
            part[i] = (p + offset) % 5
        offset = (offset + len(idx)) % 5
    train = [i for i, p in enumerate(part) if p != 0]
    val = [i for i, p in enumerate(part) if p == 0]
    return torch.tensor(train), torch.tensor(val)


# --------------------------------------------------------------------------------------
# Model and training


def build_model(args: argparse.Namespace) -> nn.Sequential:
    act = nn.ReLU if args.activation == "relu" else nn.Tanh
    layers: list[nn.Module] = []
    width = N_IN
    for _ in range(args.layers):
        linear = nn.Linear(width, args.nodes)
        if args.activation == "relu":
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        else:
            nn.init.xavier_normal_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, act()]
        width = args.nodes
    out = nn.Linear(width, N_OUT)
    nn.init.xavier_normal_(out.weight)
    nn.init.zeros_(out.bias)
    layers.append(out)
    return nn.Sequential(*layers)


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    model.eval()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y).item()
    accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def rounded(metrics: dict) -> dict:
    return {k: float(f"{v:.6g}") for k, v in metrics.items()}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(args.seed)

    x, y = load_digits()
    train_idx, val_idx = split_80_20(y)
    x_train, y_train = x[train_idx].to(device), y[train_idx].to(device)
    x_val, y_val = x[val_idx].to(device), y[val_idx].to(device)

    model = build_model(args).to(device)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.l2
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda epoch: 1.0 / (1.0 + args.lr_decay * epoch)
    )
    shuffler = torch.Generator().manual_seed(args.seed)  # CPU generator for batch order

    save_checkpoints = True
    start_epoch = 0
    last = {"train_loss": math.nan, "val_loss": math.nan, "val_accuracy": math.nan}
    state = mt.load_checkpoint(
        CHECKPOINT, load=lambda p: torch.load(p, map_location=device, weights_only=WEIGHTS_ONLY)
    )
    if state is not None:
        hp = hyperparameters(args)
        same = state.get("version") == CHECKPOINT_VERSION and state.get("hp") == hp
        if not same:
            print(f"note: {CHECKPOINT} has other hyperparameters; starting fresh", file=sys.stderr)
        elif state["epoch"] > args.epochs:
            print(
                f"note: checkpoint is at epoch {state['epoch']} > --epochs {args.epochs}; "
                "starting fresh and leaving the checkpoint as it is",
                file=sys.stderr,
            )
            save_checkpoints = False
        else:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            shuffler.set_state(state["shuffler"].cpu())  # map_location may have moved it
            start_epoch = state["epoch"]
            last = state["last"]
            print(f"resumed from epoch={start_epoch}", file=sys.stderr)

    t0 = time.perf_counter()
    epochs_done = start_epoch
    diverged = False
    n = x_train.shape[0]
    for epoch in range(start_epoch, args.epochs):
        model.train()
        order = torch.randperm(n, generator=shuffler).to(device)
        total, seen = 0.0, 0
        for start in range(0, n, args.batch_size):
            batch = order[start : start + args.batch_size]
            loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            value = loss.item()
            total += value * batch.numel()
            seen += batch.numel()
            if not math.isfinite(value):
                diverged = True
                break
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        scheduler.step()
        val_loss, val_accuracy = evaluate(model, x_val, y_val)
        last = {"train_loss": total / seen, "val_loss": val_loss, "val_accuracy": val_accuracy}
        epochs_done = epoch + 1
        mt.report(step=epochs_done, **rounded(last))
        if diverged:
            print(f"diverged at epoch {epochs_done} (training loss is not finite)", file=sys.stderr)
            break
        if save_checkpoints:
            state = {
                "version": CHECKPOINT_VERSION,
                "hp": hyperparameters(args),
                "epoch": epochs_done,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "shuffler": shuffler.get_state(),
                "last": last,
            }
            mt.save_checkpoint(state, CHECKPOINT, save=torch.save)
    if device.type == "cuda":
        torch.cuda.synchronize()
    train_seconds = time.perf_counter() - t0

    # Non-finite values are left out, so a diverged run reads as "no val_accuracy", not NaN.
    final = {k: v for k, v in rounded(last).items() if math.isfinite(v)}
    mt.finish(**final, epochs=epochs_done, train_seconds=round(train_seconds, 3), **({"diverged": 1} if diverged else {}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
