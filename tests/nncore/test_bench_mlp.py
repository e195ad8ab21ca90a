"""基准脚本的公平性机制 / The benchmark's fairness machinery (no timing is asserted here).

``benchmarks/bench_mlp.py`` compares nncore with scikit-learn on the same start: the same
initial weights and the same batches. That comparison is only meaningful if it really
reproduces nncore's run; this checks it on a small random problem, and that the GEMM floor
and the report run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

SPEC = importlib.util.spec_from_file_location(
    "bench_mlp", Path(__file__).resolve().parents[2] / "benchmarks" / "bench_mlp.py"
)
bench = importlib.util.module_from_spec(SPEC)
sys.modules["bench_mlp"] = bench  # its dataclasses look their module up
SPEC.loader.exec_module(bench)


@pytest.mark.parametrize("cfg", [bench.Config(12, 10, 16), bench.Config(6, 1, 16)])
def test_same_start_scikit_learn_reproduces_nncore(cfg):
    rng = np.random.default_rng(0)
    X = rng.random((200, 784), dtype=np.float32)
    y = bench.targets(rng.integers(0, 10, 200), cfg)
    Xt, yt = X[:80], y[:80]
    init = bench.initial_weights(cfg, 3)
    ours = bench.make_nncore(X, y, Xt, yt, cfg, init, 3)
    theirs = bench.make_sklearn_same(X, y, Xt, yt, cfg, init, 3)
    order_rng = np.random.default_rng(3)
    for _ in range(2):
        order = order_rng.permutation(200)
        ours.epoch(order)
        theirs.epoch(order)
    # scikit-learn (in the kit extra) on the same start ends on nncore's parameters
    for p, q in zip(theirs.params(), ours.params(), strict=True):
        np.testing.assert_allclose(p.reshape(q.shape), q, rtol=1e-4, atol=1e-6)
    assert ours.accuracy() == theirs.accuracy()


def test_numpy_kernels_contender_is_the_same_training():
    cfg = bench.Config(12, 10, 16)
    rng = np.random.default_rng(2)
    X, y = rng.random((100, 784), dtype=np.float32), rng.integers(0, 10, 100)
    init = bench.initial_weights(cfg, 1)
    runs = [make(X, y, X[:20], y[:20], cfg, init, 1)
            for make in (bench.make_nncore, bench.make_nncore_numpy)]  # fmt: skip
    order = np.random.default_rng(5).permutation(100)
    for run in runs:
        run.epoch(order)
    for p, q in zip(*(run.params() for run in runs), strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)
    import nncore.fastpath

    assert nncore.fastpath.kernels.__name__ == "kernels"  # put back after building


def test_sklearn_initial_weights_are_the_ones_it_draws():
    from sklearn.neural_network import MLPClassifier

    cfg = bench.Config(7, 10, 16)
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 784), dtype=np.float32), np.arange(40) % 10
    clf = MLPClassifier((7,), activation="logistic", solver="sgd", batch_size=16,
                        learning_rate_init=1e-30, random_state=np.random.RandomState(4))  # fmt: skip
    clf.partial_fit(X, y, classes=np.arange(10))  # a step of 1e-30 leaves the start as drawn
    theirs = [clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1]]
    for p, q in zip(bench.sklearn_initial_weights(cfg, 4), theirs, strict=True):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-7)


def test_report_and_floor_run():
    cfg = bench.Config(8, 10, 32)
    rng = np.random.default_rng(1)
    X, y = rng.random((96, 784), dtype=np.float32), rng.integers(0, 10, 96)
    for make in (bench.make_floor, bench.make_floor_blas):  # BLAS: found on this machine
        make(X, y, X[:10], y[:10], cfg, bench.initial_weights(cfg, 0), 0).epoch(None)
    ms = {"nncore": 3.0, "GEMM floor, np.matmul": 2.5, "GEMM floor, BLAS": 2.4}
    ms["GEMM floor"] = min(ms[name] for name in bench.FLOORS)
    lines = bench.time_report(cfg, ms, 1, 1)
    assert any("GEMM floor, np.matmul | 2.5 | 1.20 | | |" in line for line in lines)
    assert any("GEMM floor | 2.4 | 1.25 | ≤ 1.5 | PASS" in line for line in lines)
    assert any("scikit-learn | 未安装 / not installed" in line for line in lines)
    acc = {"nncore": [0.9, 0.8], "pytorch-cpu": [0.9, 0.8], "scikit-learn": [0.95, 0.9]}
    rows = bench.score_report(cfg, acc, 2)
    assert any(r.startswith("| pytorch-cpu |") and r.endswith("| PASS |") for r in rows)
    assert any(r.startswith("| scikit-learn |") and r.endswith("| FAIL |") for r in rows)
