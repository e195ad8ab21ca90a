"""784-100-10 每轮耗时 / ms per epoch of a 784-100-10 network, batch 64, float32.

    python benchmarks/bench_mlp.py [--mnist DIR] [--epochs 5] [--threads N]

Times :func:`nncore.training.sgd_epoch` (momentum, softmax + cross-entropy, λ = 1e-3) on
8 000 MNIST images (t10k, or random data when no MNIST folder is given), best of N epochs.
When installed, scikit-learn's MLPClassifier (one ``partial_fit`` = one epoch, same batch,
logistic hidden units, momentum SGD) and PyTorch-CPU (same model and loop) are timed in the
same process on the same data and reported as ratios to nncore. Optional dependencies are
skipped with a note when absent. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np


def _time(epoch: Callable[[], object], epochs: int) -> float:
    epoch()  # warm-up
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)  # best epoch: the least disturbed by other load on the machine


def _data(directory: str | None, m: int) -> tuple[np.ndarray, np.ndarray, str]:
    directory = directory or os.environ.get("NNKIT_MNIST_DIR")
    if directory:
        from nncore.data import load_mnist

        X, y = load_mnist(directory, kind="t10k")
        return X[:m], y[:m], f"MNIST t10k[:{m}]"
    rng = np.random.default_rng(0)
    return rng.random((m, 784), dtype=np.float32), rng.integers(0, 10, m), f"random ({m}, 784)"


def bench_nncore(X: np.ndarray, y: np.ndarray, epochs: int) -> float:
    from nncore.mlp import MLP
    from nncore.optim import Momentum
    from nncore.training import sgd_epoch

    net = MLP([784, 100, 10], "sigmoid", "softmax", init="xavier", dtype=np.float32)
    opt, rng = Momentum(0.1, 0.9), np.random.default_rng(0)
    return _time(lambda: sgd_epoch(net, X, y, loss="ce", optimizer=opt, batch_size=64,
                                   lam=1e-3, rng=rng), epochs)  # fmt: skip


def bench_sklearn(X: np.ndarray, y: np.ndarray, epochs: int) -> float | None:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    clf = MLPClassifier((100,), activation="logistic", solver="sgd", batch_size=64,
                        learning_rate_init=0.1, momentum=0.9, nesterovs_momentum=False,
                        alpha=1e-3 / X.shape[0], random_state=0)  # fmt: skip
    classes = np.arange(10)
    return _time(lambda: clf.partial_fit(X, y, classes=classes), epochs)


def bench_torch(X: np.ndarray, y: np.ndarray, epochs: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 100), torch.nn.Sigmoid(), torch.nn.Linear(100, 10)
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    gen = torch.Generator().manual_seed(0)

    def epoch() -> None:
        for idx in torch.randperm(Xt.shape[0], generator=gen).split(64):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xt[idx]), yt[idx]).backward()
            opt.step()

    return _time(epoch, epochs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", help="MNIST 目录 / MNIST folder (else $NNKIT_MNIST_DIR)")
    parser.add_argument("--epochs", type=int, default=5, help="计时轮数 / timed epochs")
    parser.add_argument("--m", type=int, default=8000, help="样本数 / samples per epoch")
    args = parser.parse_args()
    X, y, source = _data(args.mnist, args.m)
    X = np.ascontiguousarray(X, dtype=np.float32)
    print(f"784-100-10, batch 64, float32, {source}, best of {args.epochs} epochs")
    ours = bench_nncore(X, y, args.epochs)
    print(f"nncore        {ours:8.1f} ms/epoch ({1000 * ours / X.shape[0]:.1f} µs/sample)")
    for name, fn in (("scikit-learn", bench_sklearn), ("pytorch-cpu", bench_torch)):
        t = fn(X, y, args.epochs)
        if t is None:
            print(f"{name:<13} 未安装，跳过 / not installed, skipped")
        else:
            print(f"{name:<13} {t:8.1f} ms/epoch   nncore / {name} = {ours / t:.2f}")


if __name__ == "__main__":
    main()
