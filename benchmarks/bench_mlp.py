"""nncore 与 PyTorch-CPU、scikit-learn 每轮耗时与准确率 / ms per epoch and accuracy: nncore vs peers.

    python benchmarks/bench_mlp.py [--mnist DIR] [--rounds 8] [--reps 3] [--seeds 96]
                                   [--seed-start 0] [--epochs 9] [--threads 1] [--m 8000]
                                   [--config N] [--json FILE]

Same network, data, batch, float32, learning rate, momentum and weight decay for every
contender, in one process. Configurations: 784-100-10 sigmoid + softmax cross-entropy at
batch 64 (the target), 32 and 256, and 784-25-1 sigmoid + BCE (例题3, digit 2 vs rest) at
batch 64.

**Time.** Per configuration the contenders run **interleaved**: after one warm-up epoch
each, ``--rounds`` rounds; in each round every contender runs ``--reps`` epochs, each timed
alone, and the order of the contenders rotates from round to round. Each contender reports
its best epoch (CPU time of this process by default), so that load from other processes
hits all of them alike and a disturbed epoch never counts:

* nncore: one epoch of ``fit``'s fast path (:class:`nncore.fastpath.EpochEngine`: momentum,
  λ/(2m) Σ w²; its products and the decay + step are prepared calls into the BLAS numpy
  ships, see ``nncore._blas``);
* nncore, numpy kernels: the same engine with ``nncore._blas.NumpyKernels`` (what it does
  where numpy's BLAS cannot be called directly; no verdict, for comparison);
* scikit-learn: ``MLPClassifier.partial_fit`` (one epoch; logistic units, momentum SGD,
  ``alpha = λ·batch/m``, the same per-step decay);
* PyTorch-CPU: the same model and loop (``SGD(momentum=0.9)``, ``weight_decay = λ/m`` on
  the weights only, the same initial weights as nncore);
* GEMM floor: the matrix products that epoch needs and nothing else (forward of both
  layers, ∂J/∂W of both layers, ∂J/∂a of the hidden layer; no ∂J/∂x), with the same
  shapes, dtype and layouts (a batch is a C-contiguous (|B|, 784) block, so its ∂J/∂W
  product reads it transposed, as nncore's does), on contiguous batches with preallocated
  outputs, timed two ways: ``np.matmul`` into fresh outputs, and single prepared calls into
  numpy's BLAS whose gradient products accumulate into their outputs (β = 1: BLAS skips
  the pass that scales the output, which β = 0 and β ≠ 1 both cost; nncore's own gradient
  products add into the velocity the same way). The verdict takes the faster of the two:
  the floor is the cheapest way this process has to do the products. It does not count
  the bias (nncore's first GEMM is one column wider because it folds b^(2) in, and the
  other layers' bias gradients are one 1-row product each), nor the gather of a batch's
  rows.

**Accuracy** after the same ``--epochs`` epochs, over ``--seeds`` seeds (never tuned: seeds
``--seed-start`` … + S − 1; 96 from 0 by default: with 8, seeds 0–7 showed scikit-learn
0.2–0.3 pp ahead at batch 32 and 256, which 24 seeds showed to be chance; with 24, seeds
0–23 showed it 0.19 ± 0.06 pp ahead at batch 32, which 120 other seeds (1000–1119: +0.00 ±
0.04) showed to be chance again: the standard error of a difference is about 0.3 pp/√S, so
S = 24 leaves a 2-s.e. rule too close to the spread of the draws), test accuracy on the
2 000 t10k images after the training ones, mean ± standard error over the seeds for each
library. Per seed s: the initial weights are drawn from seed s
(the uniform Glorot bound √(2/(n_in + n_out)) that scikit-learn uses for logistic units,
see :func:`initial_weights`) and the sample order is ``default_rng(s).permutation`` per
epoch; PyTorch gets exactly these weights and batches; scikit-learn runs twice: with its own
initialisation and shuffling (``random_state = RandomState(s)``), and with nncore's weights
and batches ("same start"), so that a difference from the initialisation or the sample
order shows up as a difference between its two rows. Verdict per peer: PASS when nncore's mean is at
least the peer's, TIE when it is lower by less than two standard errors of the difference
(no evidence of a difference), FAIL otherwise.

The verdicts: nncore ≤ 0.8 × PyTorch, ≤ 0.6 × scikit-learn, ≤ 1.5 × the GEMM floor per
epoch; test accuracy PASS or TIE against every peer. The load average is printed with every table. Optional contenders that are not
installed are skipped with a note. Not a test: nothing here asserts a time.

BLAS threads are limited to ``--threads`` for numpy/scikit-learn (threadpoolctl) and torch
(``torch.set_num_threads``) alike; the default 1 keeps the comparison stable on a shared
2-core machine. ``--clock cpu`` (default) times the CPU time of this process, which other
processes' load disturbs less than wall time (``--clock wall``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LR, BETA, LAM = 0.1, 0.9, 1e-3
N_TEST = 2000
TARGETS = {"pytorch-cpu": 0.8, "scikit-learn": 0.6, "GEMM floor": 1.5}


@dataclass(frozen=True)
class Config:
    """一个对比配置 / One configuration: hidden units, outputs (1: digit 2 vs rest), batch."""

    hidden: int
    outputs: int
    batch: int

    @property
    def name(self) -> str:
        kind = "softmax-CE" if self.outputs > 1 else "sigmoid-BCE (例题3)"
        return f"784-{self.hidden}-{self.outputs} {kind}, batch {self.batch}"


CONFIGS = (Config(100, 10, 64), Config(100, 10, 32), Config(100, 10, 256), Config(25, 1, 64))


# --- data ------------------------------------------------------------------------------------
def load(
    directory: str | None, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """训练 m 张、测试 2000 张 / m training and 2 000 test images (float32 in [0, 1])."""
    directory = directory or os.environ.get("NNKIT_MNIST_DIR")
    if directory:
        from nncore.data import load_mnist

        X, y = load_mnist(directory, kind="t10k")
        source = f"MNIST t10k[:{m}], test t10k[{m}:{m + 2000}]"
    else:
        rng = np.random.default_rng(0)
        X, y = rng.random((m + 2000, 784), dtype=np.float32), rng.integers(0, 10, m + 2000)
        source = f"random ({m}, 784) (no --mnist: timings only, accuracies meaningless)"
    X = np.ascontiguousarray(X, dtype=np.float32)
    return X[:m], y[:m], X[m : m + 2000], y[m : m + 2000], source


def targets(y: np.ndarray, cfg: Config) -> np.ndarray:
    """标签：10 类，或数字 2 对其余 / Labels: 0..9, or 1 for the digit 2 (例题3)."""
    return y if cfg.outputs > 1 else (y == 2).astype(np.int64)


def initial_weights(cfg: Config, seed: int) -> list[np.ndarray]:
    """种子 seed 的初值 / W^(1), b^(2), W^(2), b^(3) from ``seed`` (float32).

    w ~ U[−√(2/(n_in + n_out)), +√(2/(n_in + n_out))], the distribution scikit-learn draws
    for logistic units, biases 0 (scikit-learn draws its biases from the same uniform; over
    24 seeds that changed nothing measurable, see ``--explain``). (Xavier's √(6/…) bound,
    used before, scored 0.16 ± 0.10 pp lower in nncore at batch 32 over 8 seeds.)
    """
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in ((784, cfg.hidden), (cfg.hidden, cfg.outputs)):
        bound = np.sqrt(2.0 / (n_in + n_out))
        out += [rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32),
                np.zeros(n_out, np.float32)]  # fmt: skip
    return out


# --- contenders --------------------------------------------------------------------------------
@dataclass
class Run:
    """一个训练中的模型 / One model in training: ``epoch(order)`` trains one epoch on the batches
    of ``order`` (None: the library's own shuffling), ``accuracy()`` scores the test images."""

    epoch: Callable[[np.ndarray | None], object]
    accuracy: Callable[[], float]
    params: Callable[[], list[np.ndarray]] | None = None  # W^(1), b^(2), W^(2), b^(3) now


def make_nncore(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run:
    from nncore.fastpath import EpochEngine
    from nncore.mlp import MLP
    from nncore.optim import Momentum
    from nncore.training import accuracy

    out = "softmax" if cfg.outputs > 1 else "sigmoid"
    net = MLP([784, cfg.hidden, cfg.outputs], "sigmoid", out, dtype=np.float32)
    for p, v in zip(net.params, init, strict=True):
        p[...] = v
    engine = EpochEngine(net, X, y, loss="ce" if cfg.outputs > 1 else "bce",
                         optimizer=Momentum(LR, BETA), batch_size=cfg.batch, lam=LAM)  # fmt: skip

    class Order:  # engine.run(rng) uses rng.permutation(m): hand it the given order
        def __init__(self, order: np.ndarray) -> None:
            self.order = order

        def permutation(self, m: int) -> np.ndarray:
            return self.order

    rng = np.random.default_rng(seed)
    return Run(lambda order: engine.run(rng if order is None else Order(order)),
               lambda: accuracy(net.predict(Xt), yt), lambda: net.params)  # fmt: skip


def make_nncore_numpy(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run:
    """nncore 的 numpy 内核 / The same engine with numpy's kernels instead of direct BLAS calls."""
    import nncore.fastpath
    from nncore._blas import NumpyKernels

    found, nncore.fastpath.kernels = nncore.fastpath.kernels, NumpyKernels
    try:
        return make_nncore(X, y, Xt, yt, cfg, init, seed)
    finally:
        nncore.fastpath.kernels = found


def _sklearn(X, y, Xt, yt, cfg: Config, init: list[np.ndarray] | None, seed: int) -> Run | None:
    """scikit-learn：自己的初值与洗牌，或给定的初值（init）/ Its own start, or ``init``."""
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    clf = MLPClassifier((cfg.hidden,), activation="logistic", solver="sgd", batch_size=cfg.batch,
                        learning_rate_init=LR, momentum=BETA, nesterovs_momentum=False,
                        alpha=LAM * cfg.batch / X.shape[0],
                        random_state=np.random.RandomState(seed))  # fmt: skip
    classes = np.unique(y)
    if init is not None:  # one step with α ≈ 0 creates the model; then nncore's weights go in
        clf.set_params(learning_rate_init=1e-30, shuffle=False)  # must be > 0
        clf.partial_fit(X[: cfg.batch], y[: cfg.batch], classes=classes)
        clf._optimizer.learning_rate = LR  # the optimizer was built with that α (private attr)
        for p, v in zip([*clf.coefs_, *clf.intercepts_], [init[0], init[2], init[1], init[3]],
                        strict=True):  # fmt: skip
            p[...] = v.reshape(p.shape)

    def epoch(order: np.ndarray | None) -> None:
        if order is None:
            clf.partial_fit(X, y, classes=classes)
        else:  # shuffle=False: its batches are consecutive slices of X[order]
            clf.partial_fit(X[order], y[order], classes=classes)

    def params() -> list[np.ndarray]:
        return [clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1]]

    return Run(epoch, lambda: clf.score(Xt, yt), params)


def make_sklearn(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run | None:
    return _sklearn(X, y, Xt, yt, cfg, None, seed)


def make_sklearn_same(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run | None:
    return _sklearn(X, y, Xt, yt, cfg, init, seed)


def make_torch(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run | None:
    try:
        import torch
    except ImportError:
        return None
    lin1, lin2 = torch.nn.Linear(784, cfg.hidden), torch.nn.Linear(cfg.hidden, cfg.outputs)
    with torch.no_grad():  # nncore's W is (in, out): torch's weight = W.T
        for lin, W, b in ((lin1, init[0], init[1]), (lin2, init[2], init[3])):
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
    model = torch.nn.Sequential(lin1, torch.nn.Sigmoid(), lin2)
    opt = torch.optim.SGD([{"params": [lin1.weight, lin2.weight], "weight_decay": LAM / X.shape[0]},
                           {"params": [lin1.bias, lin2.bias]}], lr=LR, momentum=BETA)  # fmt: skip
    Xtr, Xte = torch.from_numpy(X), torch.from_numpy(Xt)
    if cfg.outputs > 1:
        ytr, loss_fn = torch.from_numpy(y.astype(np.int64)), torch.nn.functional.cross_entropy
    else:
        ytr = torch.from_numpy(y.astype(np.float32)[:, None])
        loss_fn = torch.nn.functional.binary_cross_entropy_with_logits
    gen = torch.Generator().manual_seed(seed)

    def epoch(order: np.ndarray | None) -> None:
        perm = (
            torch.randperm(Xtr.shape[0], generator=gen)
            if order is None
            else torch.from_numpy(order)
        )
        for idx in perm.split(cfg.batch):
            opt.zero_grad(set_to_none=True)
            loss_fn(model(Xtr[idx]), ytr[idx]).backward()
            opt.step()

    def acc() -> float:
        with torch.no_grad():
            z = model(Xte).numpy()
        pred = z.argmax(axis=1) if cfg.outputs > 1 else (z[:, 0] >= 0).astype(np.int64)
        return float(np.mean(pred == yt))

    return Run(epoch, acc)


def make_floor(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run:
    """只做必要的矩阵乘 / Only the matrix products of one epoch, as ``np.matmul`` into fresh
    preallocated outputs (one way to the GEMM floor)."""
    rng = np.random.default_rng(seed)
    m, h, k, b = X.shape[0], cfg.hidden, cfg.outputs, cfg.batch
    Xp = X[rng.permutation(m)]  # contiguous batches: no gather counted
    W1, W2 = init[0].copy(), init[2].copy()
    z1, z2 = np.empty((b, h), np.float32), np.empty((b, k), np.float32)
    d1, d2 = rng.random((b, h), dtype=np.float32), rng.random((b, k), dtype=np.float32)
    g1, g2, da = np.empty_like(W1), np.empty_like(W2), np.empty((b, h), np.float32)

    def epoch(order: np.ndarray | None) -> None:
        for s in range(0, m, b):
            x = Xp[s : s + b]
            n = x.shape[0]
            np.matmul(x, W1, out=z1[:n])
            np.matmul(z1[:n], W2, out=z2[:n])
            np.matmul(z1[:n].T, d2[:n], out=g2)
            np.matmul(d2[:n], W2.T, out=da[:n])
            np.matmul(x.T, d1[:n], out=g1)

    return Run(epoch, lambda: float("nan"))


def make_floor_blas(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run | None:
    """同上，直接调用 BLAS / The same products as single prepared calls into numpy's BLAS
    (``nncore._blas``, prepared once per batch), the gradient products accumulating into
    their outputs (β = 1: BLAS then skips its pass that scales the output, which β = 0 or
    β ≠ 1 costs). The cheapest way this process has to do the epoch's products; None where
    numpy's BLAS cannot be called directly."""
    from nncore._blas import BlasKernels, kernels

    ops = kernels(np.float32)
    if not isinstance(ops, BlasKernels):
        return None
    rng = np.random.default_rng(seed)
    m, h, k, b = X.shape[0], cfg.hidden, cfg.outputs, cfg.batch
    Xp = X[rng.permutation(m)]
    W1, W2 = init[0].copy(), init[2].copy()
    z1, z2 = np.empty((b, h), np.float32), np.empty((b, k), np.float32)
    # small values of both signs: what accumulates in g1, g2 stays far from overflow
    d1 = rng.uniform(-1e-3, 1e-3, (b, h)).astype(np.float32)
    d2 = rng.uniform(-1e-3, 1e-3, (b, k)).astype(np.float32)
    g1, g2, da = np.zeros_like(W1), np.zeros_like(W2), np.empty((b, h), np.float32)
    calls = []
    for s in range(0, m, b):
        x = Xp[s : s + b]
        n = x.shape[0]
        calls += [ops.product(x, W1, z1[:n]), ops.product(z1[:n], W2, z2[:n]),
                  ops.product(z1[:n].T, d2[:n], g2, beta=1.0), ops.product(d2[:n], W2.T, da[:n]),
                  ops.product(x.T, d1[:n], g1, beta=1.0)]  # fmt: skip

    def epoch(order: np.ndarray | None) -> None:
        for call in calls:
            call()

    return Run(epoch, lambda: float("nan"))


TIMED = {"nncore": make_nncore, "nncore, numpy kernels": make_nncore_numpy,
         "scikit-learn": make_sklearn, "pytorch-cpu": make_torch,
         "GEMM floor, np.matmul": make_floor, "GEMM floor, BLAS": make_floor_blas}  # fmt: skip
#: the ways to the GEMM floor; the verdict takes the faster (the floor is the cheapest way)
FLOORS = ("GEMM floor, np.matmul", "GEMM floor, BLAS")
SCORED = {"nncore": make_nncore, "pytorch-cpu": make_torch, "scikit-learn": make_sklearn,
          "scikit-learn, same start": make_sklearn_same}  # fmt: skip


def sklearn_initial_weights(cfg: Config, seed: int) -> list[np.ndarray]:
    """scikit-learn 自己的初值 / The start ``MLPClassifier(random_state=RandomState(seed))``
    draws itself: per layer W then b, both U[−√(2/(n_in + n_out)), +…] (its biases too)."""
    rs, out = np.random.RandomState(seed), []
    for n_in, n_out in ((784, cfg.hidden), (cfg.hidden, cfg.outputs)):
        bound = np.sqrt(2.0 / (n_in + n_out))
        out += [rs.uniform(-bound, bound, (n_in, n_out)).astype(np.float32),
                rs.uniform(-bound, bound, n_out).astype(np.float32)]  # fmt: skip
    return out


def make_nncore_sk_init(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int) -> Run:
    return make_nncore(X, y, Xt, yt, cfg, sklearn_initial_weights(cfg, seed), seed)


def make_sklearn_sk_init(X, y, Xt, yt, cfg: Config, init: list[np.ndarray], seed: int):
    return _sklearn(X, y, Xt, yt, cfg, sklearn_initial_weights(cfg, seed), seed)


#: ``--explain``: which of scikit-learn's own start and own shuffling moves its accuracy
EXPLAIN = {"nncore, scikit-learn's own start": make_nncore_sk_init,
           "scikit-learn, own start, nncore's order": make_sklearn_sk_init}  # fmt: skip


def load_note() -> str:
    """负载 / The load average now (1, 5, 15 min)."""
    try:
        return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "load average unknown"


# --- time ------------------------------------------------------------------------------------
def time_config(
    X, y, Xt, yt, cfg: Config, rounds: int, reps: int, clock: Callable[[], float]
) -> dict[str, float]:
    """交替计时 / Interleaved timing; returns name -> best ms/epoch."""
    init, ytr, yte = initial_weights(cfg, 0), targets(y, cfg), targets(yt, cfg)
    runs = {}
    for name, make in TIMED.items():
        run = make(X, ytr, Xt, yte, cfg, init, 0)
        if run is not None:
            runs[name] = run
    best = dict.fromkeys(runs, np.inf)
    for run in runs.values():
        run.epoch(None)  # warm-up
    names = list(runs)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # rotate the order
            for _ in range(reps):
                start = clock()
                runs[name].epoch(None)
                best[name] = min(best[name], clock() - start)
    ms = {name: 1000 * t for name, t in best.items()}
    ms["GEMM floor"] = min(ms[name] for name in FLOORS if name in ms)
    return ms


def time_report(cfg: Config, ms: dict[str, float], rounds: int, reps: int) -> list[str]:
    """计时表 / The timing table and verdicts of one configuration."""
    ours = ms["nncore"]
    lines = [f"\n## {cfg.name}: time (best of {rounds}×{reps} interleaved epochs; {load_note()})",
             "| contender | ms/epoch | nncore / it | target | verdict |", "|---|---:|---:|---:|---|"]  # fmt: skip
    for name in [*TIMED, "GEMM floor"]:
        if name not in ms and name in FLOORS:
            lines.append(f"| {name} | 不可用 / unavailable | | | |")
        elif name not in ms:
            lines.append(f"| {name} | 未安装 / not installed | | | skipped |")
        elif name == "nncore":
            lines.append(f"| nncore | {ours:.1f} | 1.00 | | |")
        elif name not in TARGETS:  # shown for comparison, no target
            lines.append(f"| {name} | {ms[name]:.1f} | {ours / ms[name]:.2f} | | |")
        else:
            ratio, target = ours / ms[name], TARGETS[name]
            verdict = "PASS" if ratio <= target else "FAIL"
            lines.append(f"| {name} | {ms[name]:.1f} | {ratio:.2f} | ≤ {target} | {verdict} |")
    return lines


# --- accuracy --------------------------------------------------------------------------------
def score_config(
    X, y, Xt, yt, cfg: Config, seeds: int, epochs: int, explain: bool = False, first: int = 0
) -> dict[str, list[float]]:
    """多个种子的测试准确率 / Test accuracy per seed after ``epochs`` epochs, per library.

    Seeds ``first`` … ``first + seeds − 1``. ``explain`` adds :data:`EXPLAIN`: nncore from
    the start scikit-learn draws itself, and scikit-learn from that same start on nncore's
    batches (its own shuffling left out).
    """
    ytr, yte = targets(y, cfg), targets(yt, cfg)
    acc: dict[str, list[float]] = {}
    for seed in range(first, first + seeds):
        init = initial_weights(cfg, seed)
        runs = {}
        for name, make in (SCORED | EXPLAIN if explain else SCORED).items():
            run = make(X, ytr, Xt, yte, cfg, init, seed)
            if run is not None:
                runs[name] = run
        rng = np.random.default_rng(seed)  # the order nncore's fit would use with this seed
        for _ in range(epochs):
            order = rng.permutation(X.shape[0])
            for name, run in runs.items():
                run.epoch(None if name == "scikit-learn" else order)
        for name, run in runs.items():
            acc.setdefault(name, []).append(run.accuracy())
    return acc


def mean_se(values: list[float]) -> tuple[float, float]:
    """均值与标准误 / Mean and standard error of the mean."""
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else 0.0


def score_report(cfg: Config, acc: dict[str, list[float]], epochs: int) -> list[str]:
    """准确率表 / The accuracy table and verdicts of one configuration."""
    ours = np.asarray(acc["nncore"])
    lines = [f"\n## {cfg.name}: test accuracy after {epochs} epochs, {ours.size} seeds "
             f"(mean ± s.e.; {load_note()})",
             "| library | accuracy % | nncore − it (pp) | verdict |", "|---|---:|---:|---|"]  # fmt: skip
    for name, values in acc.items():
        mean, se = mean_se(values)
        if name == "nncore":
            lines.append(f"| nncore | {100 * mean:.2f} ± {100 * se:.2f} | | |")
            continue
        diff = ours - np.asarray(values)  # paired by seed (same test images)
        d, d_se = mean_se(list(diff))
        verdict = "PASS" if d >= 0 else ("TIE" if -d < 2 * d_se else "FAIL")
        lines.append(f"| {name} | {100 * mean:.2f} ± {100 * se:.2f} | "
                     f"{100 * d:+.2f} ± {100 * d_se:.2f} | {verdict} |")  # fmt: skip
    return lines


def blas_note(threads: int) -> str:
    """BLAS 内核与线程 / Which BLAS kernel runs, and with how many threads."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return "threadpoolctl 未安装：BLAS 线程数未限制 / not installed: BLAS threads not limited"
    threadpool_limits(threads)
    info = [f"{i.get('internal_api')} {i.get('architecture')} ×{i.get('num_threads')}"
            for i in threadpool_info()]  # fmt: skip
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return f"BLAS: {', '.join(info)}; env {env or 'clean'}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", help="MNIST 目录 / MNIST folder (else $NNKIT_MNIST_DIR)")
    parser.add_argument("--rounds", type=int, default=8, help="交替计时轮数 / timed rounds")
    parser.add_argument("--reps", type=int, default=3, help="每轮每方的轮数 / epochs per round")
    parser.add_argument("--seeds", type=int, default=96, help="准确率的种子数 / accuracy seeds")
    parser.add_argument(
        "--seed-start",
        type=int,
        default=0,
        help="第一个种子 / first seed (seeds start … start + seeds − 1)",
    )
    parser.add_argument("--json", help="每个种子的准确率写入此文件 / per-seed accuracies to this "
                        "JSON file ({configuration: {library: [accuracy per seed]}})")  # fmt: skip
    parser.add_argument("--epochs", type=int, default=9, help="准确率的训练轮数 / epochs")
    parser.add_argument("--m", type=int, default=8000, help="训练样本数 / training samples")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/torch 线程 / threads")
    parser.add_argument("--only-main", action="store_true", help="只测 784-100-10 batch 64")
    parser.add_argument("--config", type=int, action="append", choices=range(len(CONFIGS)),
                        help="只测第 N 个配置（可重复）/ only configuration N (0-3; repeatable)")  # fmt: skip
    parser.add_argument("--no-accuracy", action="store_true", help="只计时 / timing only")
    parser.add_argument("--no-timing", action="store_true", help="只测准确率 / accuracy only")
    parser.add_argument("--explain", action="store_true",
                        help="准确率另加两行：scikit-learn 自己的初值 / two more accuracy rows: "
                        "nncore from scikit-learn's own start, scikit-learn from it on nncore's "
                        "batches")  # fmt: skip
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: 本进程 CPU 时间 / this process's CPU time; wall: 墙钟")  # fmt: skip
    args = parser.parse_args(argv)
    with contextlib.suppress(ImportError):  # its BLAS must be loaded before the thread limit
        import sklearn.neural_network  # noqa: F401
    note = blas_note(args.threads)
    try:
        import torch

        torch.set_num_threads(args.threads)
        note += f"; torch {torch.__version__} ×{torch.get_num_threads()}"
    except ImportError:
        pass
    X, y, Xt, yt, source = load(args.mnist, args.m)
    print(f"# nncore vs peers: {source}, float32, lr {LR}, momentum {BETA}, λ {LAM}")
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    from nncore._blas import kernels

    note += f"; nncore kernels: {kernels(np.float32).name}"
    print(f"{args.clock} time; {note}; {load_note()}")
    chosen = [CONFIGS[i] for i in args.config] if args.config else list(CONFIGS)
    per_seed: dict[str, dict[str, list[float]]] = {}
    for cfg in chosen[:1] if args.only_main else chosen:
        if not args.no_timing:
            ms = time_config(X, y, Xt, yt, cfg, args.rounds, args.reps, clock)
            print("\n".join(time_report(cfg, ms, args.rounds, args.reps)), flush=True)
        if not args.no_accuracy:
            acc = score_config(X, y, Xt, yt, cfg, args.seeds, args.epochs, args.explain,
                               args.seed_start)  # fmt: skip
            print("\n".join(score_report(cfg, acc, args.epochs)), flush=True)
            if args.json:
                per_seed[cfg.name] = acc
                with open(args.json, "w", encoding="utf-8") as f:
                    json.dump({"seeds": [args.seed_start, args.seed_start + args.seeds - 1],
                               "accuracy": per_seed}, f, ensure_ascii=False, indent=1)  # fmt: skip


if __name__ == "__main__":
    main()
