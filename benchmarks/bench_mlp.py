"""nncore 与 PyTorch-CPU、scikit-learn 每轮耗时对比 / ms per epoch: nncore vs PyTorch-CPU vs sklearn.

    python benchmarks/bench_mlp.py [--mnist DIR] [--rounds 8] [--threads 1] [--m 8000]

Same network, data, batch, float32, learning rate, momentum and weight decay for every
contender, in one process. Configurations: 784-100-10 sigmoid + softmax cross-entropy at
batch 64 (the target), 32 and 256, and 784-25-1 sigmoid + BCE (例题3, digit 2 vs rest) at
batch 64. Per configuration the contenders run **interleaved** (round-robin, one epoch each
per round, after a warm-up epoch) and each reports its best round, so that load from other
processes on the machine hits all of them alike:

* nncore: one epoch of ``fit``'s fast path (:class:`nncore.fastpath.EpochEngine`: momentum,
  λ/(2m) Σ w²);
* scikit-learn: ``MLPClassifier.partial_fit`` (one epoch; logistic units, momentum SGD,
  ``alpha = λ·batch/m``, the same per-step decay);
* PyTorch-CPU: the same model and loop (``SGD(momentum=0.9)``, ``weight_decay = λ/m`` on
  the weights only, the same initial weights as nncore);
* GEMM floor: the matrix products that epoch needs and nothing else (forward of both
  layers, ∂J/∂W of both layers, ∂J/∂a of the hidden layer; no ∂J/∂x), on contiguous
  batches with preallocated outputs.

Then test accuracy on the next 2 000 t10k images after the same number of epochs
(warm-up + rounds). The verdicts: nncore ≤ 0.8 × PyTorch, ≤ 0.6 × scikit-learn,
≤ 1.5 × the GEMM floor per epoch, accuracy ≥ each peer's (strict; a FAIL shows the gap in
standard errors of a 2 000-image accuracy, about 0.3 pp at 98 %). Optional contenders that are not
installed are skipped with a note. Not a test: nothing here asserts a time.

BLAS threads are limited to ``--threads`` for numpy/scikit-learn (threadpoolctl) and torch
(``torch.set_num_threads``) alike; the default 1 keeps the comparison stable on a shared
2-core machine. ``--clock cpu`` (default) times the CPU time of this process, which other
processes' load disturbs less than wall time (``--clock wall``); with one thread the two
agree on an idle machine.
"""

from __future__ import annotations

import argparse
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


# --- contenders: each returns (epoch, test accuracy) callables ---------------------------------
Contender = tuple[Callable[[], object], Callable[[], float]]


def make_nncore(X, y, Xt, yt, cfg: Config, init: list[np.ndarray]) -> Contender:
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
    rng = np.random.default_rng(0)
    return (lambda: engine.run(rng)), (lambda: accuracy(net.predict(Xt), yt))


def make_sklearn(X, y, Xt, yt, cfg: Config, init: list[np.ndarray]) -> Contender | None:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    clf = MLPClassifier((cfg.hidden,), activation="logistic", solver="sgd", batch_size=cfg.batch,
                        learning_rate_init=LR, momentum=BETA, nesterovs_momentum=False,
                        alpha=LAM * cfg.batch / X.shape[0], random_state=0)  # fmt: skip
    classes = np.unique(y)
    return (lambda: clf.partial_fit(X, y, classes=classes)), (lambda: clf.score(Xt, yt))


def make_torch(X, y, Xt, yt, cfg: Config, init: list[np.ndarray]) -> Contender | None:
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
    gen = torch.Generator().manual_seed(0)

    def epoch() -> None:
        for idx in torch.randperm(Xtr.shape[0], generator=gen).split(cfg.batch):
            opt.zero_grad(set_to_none=True)
            loss_fn(model(Xtr[idx]), ytr[idx]).backward()
            opt.step()

    def acc() -> float:
        with torch.no_grad():
            z = model(Xte).numpy()
        pred = z.argmax(axis=1) if cfg.outputs > 1 else (z[:, 0] >= 0).astype(np.int64)
        return float(np.mean(pred == yt))

    return epoch, acc


def make_floor(X, y, Xt, yt, cfg: Config, init: list[np.ndarray]) -> Contender:
    """只做必要的矩阵乘 / Only the matrix products of one epoch (the GEMM floor)."""
    rng = np.random.default_rng(0)
    m, h, k, b = X.shape[0], cfg.hidden, cfg.outputs, cfg.batch
    Xp = X[rng.permutation(m)]  # contiguous batches: no gather counted
    W1, W2 = init[0].copy(), init[2].copy()
    z1, z2 = np.empty((b, h), np.float32), np.empty((b, k), np.float32)
    d1, d2 = rng.random((b, h), dtype=np.float32), rng.random((b, k), dtype=np.float32)
    g1, g2, da = np.empty_like(W1), np.empty_like(W2), np.empty((b, h), np.float32)

    def epoch() -> None:
        for s in range(0, m, b):
            x = Xp[s : s + b]
            n = x.shape[0]
            np.matmul(x, W1, out=z1[:n])
            np.matmul(z1[:n], W2, out=z2[:n])
            np.matmul(z1[:n].T, d2[:n], out=g2)
            np.matmul(d2[:n], W2.T, out=da[:n])
            np.matmul(x.T, d1[:n], out=g1)

    return epoch, (lambda: float("nan"))


MAKERS = {"nncore": make_nncore, "scikit-learn": make_sklearn, "pytorch-cpu": make_torch,
          "GEMM floor": make_floor}  # fmt: skip


# --- run -------------------------------------------------------------------------------------
def run_config(
    X, y, Xt, yt, cfg: Config, rounds: int, clock: Callable[[], float] = time.process_time
) -> dict[str, tuple[float, float]]:
    """交替计时 / Round-robin timing; returns name -> (best ms/epoch, test accuracy)."""
    from nncore.init import xavier

    rng = np.random.default_rng(0)
    init = [xavier(784, cfg.hidden, rng).astype(np.float32), np.zeros(cfg.hidden, np.float32),
            xavier(cfg.hidden, cfg.outputs, rng).astype(np.float32),
            np.zeros(cfg.outputs, np.float32)]  # fmt: skip
    ytr, yte = targets(y, cfg), targets(yt, cfg)
    contenders = {}
    for name, make in MAKERS.items():
        made = make(X, ytr, Xt, yte, cfg, init)
        if made is not None:
            contenders[name] = made
    best = dict.fromkeys(contenders, np.inf)
    for epoch, _ in contenders.values():
        epoch()  # warm-up
    for _ in range(rounds):
        for name, (epoch, _) in contenders.items():
            start = clock()
            epoch()
            best[name] = min(best[name], clock() - start)
    return {name: (1000 * best[name], acc()) for name, (_, acc) in contenders.items()}


def report(cfg: Config, res: dict[str, tuple[float, float]]) -> list[str]:
    """一张表 / The table rows and verdicts of one configuration."""
    ours, our_acc = res["nncore"]
    lines = [f"\n## {cfg.name}", "| contender | ms/epoch | nncore / it | target | verdict | test acc |",
             "|---|---:|---:|---:|---|---:|"]  # fmt: skip
    for name in MAKERS:
        if name not in res:
            lines.append(f"| {name} | 未安装 / not installed | | | skipped | |")
            continue
        t, acc = res[name]
        if name == "nncore":
            lines.append(f"| nncore | {t:.1f} | 1.00 | | | {100 * acc:.2f} % |")
            continue
        ratio, target = ours / t, TARGETS[name]
        verdict = "PASS" if ratio <= target else "FAIL"
        acc_text = "" if np.isnan(acc) else f"{100 * acc:.2f} %"
        if not np.isnan(acc):
            se = np.sqrt(acc * (1 - acc) / N_TEST)  # the accuracy's standard error on 2 000 images
            verdict += "; acc " + (
                "PASS" if our_acc >= acc else f"FAIL (Δ {(our_acc - acc) / se:+.1f} SE)"
            )
        lines.append(f"| {name} | {t:.1f} | {ratio:.2f} | ≤ {target} | {verdict} | {acc_text} |")
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
    parser.add_argument("--m", type=int, default=8000, help="训练样本数 / training samples")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/torch 线程 / threads")
    parser.add_argument("--only-main", action="store_true", help="只测 784-100-10 batch 64")
    parser.add_argument("--config", type=int, action="append", choices=range(len(CONFIGS)),
                        help="只测第 N 个配置（可重复）/ only configuration N (0-3; repeatable)")  # fmt: skip
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: 本进程 CPU 时间 / this process's CPU time; wall: 墙钟")  # fmt: skip
    args = parser.parse_args(argv)
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
    print(
        f"best {args.clock} time of {args.rounds} interleaved rounds after 1 warm-up epoch; {note}"
    )
    chosen = [CONFIGS[i] for i in args.config] if args.config else list(CONFIGS)
    for cfg in chosen[:1] if args.only_main else chosen:
        res = run_config(X, y, Xt, yt, cfg, args.rounds, clock)
        print("\n".join(report(cfg, res)), flush=True)


if __name__ == "__main__":
    main()
