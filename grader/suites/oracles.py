"""隐藏测试集使用的符号 oracle（每批只推导一次）/ Symbolic oracles of the suites, derived once.

Random small networks are drawn from a fixed pool of architectures (1–3 hidden layers of 1–5
units, sigmoid/tanh, several losses); each student gets seeded random *weights and inputs* on
archs chosen from the pool. The pool's sympy derivations are done once per process
(:func:`warm`, timed) and inherited by forked batch workers, so a batch derives each oracle
once, not once per submission.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import numpy as np

from grader.oracles import symbolic

#: Random-network pool: (sizes, activations, loss).
POOL: tuple[symbolic.Arch, ...] = (
    symbolic.Arch((2, 3, 1), ("sigmoid", "sigmoid"), "mse"),
    symbolic.Arch((3, 4, 2), ("tanh", "sigmoid"), "mse"),
    symbolic.Arch((2, 2, 2, 2), ("sigmoid", "tanh", "sigmoid"), "mse"),
    symbolic.Arch((1, 5, 3, 1), ("tanh", "sigmoid", "sigmoid"), "mse"),
    symbolic.Arch((3, 2, 4, 3, 2), ("tanh", "sigmoid", "tanh", "sigmoid"), "mse"),
    symbolic.Arch((2, 4, 1), ("tanh", "sigmoid"), "bce"),
    symbolic.Arch((3, 3, 2, 1), ("sigmoid", "tanh", "sigmoid"), "bce"),
)
MSE_POOL = tuple(a for a in POOL if a.loss == "mse")
BCE_POOL = tuple(a for a in POOL if a.loss == "bce")
#: Networks whose output is not a sigmoid and with a ReLU or identity hidden layer (MSE):
#: ``mlp_backward`` gives every student one, so f' taken as σ' = a(1 − a) at the output, or
#: a formula right only for sigmoid and tanh layers, is caught.
OTHER_ACTS: tuple[symbolic.Arch, ...] = (
    symbolic.Arch((2, 3, 2), ("relu", "tanh"), "mse"),
    symbolic.Arch((3, 4, 2, 1), ("tanh", "relu", "identity"), "mse"),
    symbolic.Arch((2, 3, 3, 2), ("identity", "sigmoid", "tanh"), "mse"),
)
#: Sub-pools that every student gets a case from (same kinds of case for everyone).
DEEP_K1 = tuple(a for a in MSE_POOL if len(a.sizes) >= 4 and a.sizes[-1] == 1)
SQUARE = tuple(a for a in MSE_POOL if len(a.sizes) >= 4 and len(set(a.sizes)) == 1)
DEEPEST = tuple(a for a in MSE_POOL if len(a.sizes) >= 5)

_timings: dict[str, float] = {}


@functools.cache
def example1() -> dict[str, Any]:
    """例题1 的精确结果（缓存）/ Exact 例题1 results, cached."""
    t0 = time.perf_counter()
    out = symbolic.example1()
    _timings["example1"] = time.perf_counter() - t0
    return out


def warm() -> dict[str, float]:
    """推导全部 oracle 并计时 / Derive every oracle of the suites now; return seconds per item."""
    t_all = time.perf_counter()
    example1()
    for arch in (*POOL, *OTHER_ACTS):
        t0 = time.perf_counter()
        symbolic.SymbolicMLP.from_arch(arch)
        _timings.setdefault(f"{arch.sizes}/{arch.loss}", time.perf_counter() - t0)
    for loss in ("mse", "bce"):
        t0 = time.perf_counter()
        symbolic.SymbolicMLP.from_arch(symbolic.exercise_arch(loss))
        _timings.setdefault(f"exercise/{loss}", time.perf_counter() - t0)
    _timings["total"] = _timings.get("total", 0.0) + time.perf_counter() - t_all
    return dict(_timings)


def random_network(
    rng: np.random.Generator, pool: tuple[symbolic.Arch, ...] = MSE_POOL
) -> tuple[symbolic.Arch, np.ndarray, np.ndarray, np.ndarray]:
    """从结构池抽一个随机网络 / A seeded random case ``(arch, flat, X, Y)`` on a pool arch.

    Weights and biases ~ U[−1, 1], inputs ~ U[−1, 1], m ∈ 1..4; targets ~ U[0, 1] (mse) or
    labels in {0, 1} (bce).
    """
    arch = pool[int(rng.integers(len(pool)))]
    m = int(rng.integers(1, 5))
    flat = rng.uniform(-1.0, 1.0, size=arch.n_params)
    X = rng.uniform(-1.0, 1.0, size=(m, arch.sizes[0]))
    if arch.loss == "bce":
        Y = rng.integers(0, 2, size=(m, arch.sizes[-1])).astype(np.float64)
    else:
        Y = rng.uniform(0.0, 1.0, size=(m, arch.sizes[-1]))
    return arch, flat, X, Y
