"""加深 vs 加宽（参数量相同）/ Depth vs width at an equal parameter count.

讲义 §1: “增加一层比加宽一层更有效”. Both 1-32-1 and 1-8-8-1 have 97 parameters
(3H + 1 = h² + 4h + 1 with H = 32, h = 8); both are fitted to the same 1-D function with the
same optimiser, epochs and seeds, and compared by test MSE = (1/m) Σ (a − y)².
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from nncore.mlp import MLP
from nncore.training import fit


def param_count(sizes: Sequence[int]) -> int:
    """参数个数 / Number of weights and biases: Σ_l (N_l + 1) N_{l+1}."""
    return sum((n_in + 1) * n_out for n_in, n_out in pairwise(sizes))


def equal_param_architectures() -> dict[str, list[int]]:
    """参数量相同的宽/深网络 / Wide and deep networks with exactly equal parameter counts."""
    archs = {"wide 1-32-1": [1, 32, 1], "deep 1-8-8-1": [1, 8, 8, 1]}
    assert len({param_count(s) for s in archs.values()}) == 1
    return archs


def target_function(x: np.ndarray) -> np.ndarray:
    """待拟合函数 / The function fitted: y = sin(2π·3x)·(1 − x) + x, x ∈ [0, 1]; (m, 1) -> (m, 1)."""
    return np.sin(6 * np.pi * x) * (1 - x) + x


def depth_vs_width(
    seeds: Sequence[int] = range(3),
    *,
    m: int = 256,
    epochs: int = 300,
    lr: float = 0.05,
    batch_size: int = 16,
    activation: str = "tanh",
) -> dict:
    """比较 / Fit both architectures from several seeds; test MSE per seed, best and median.

    Training x ~ U[0, 1] (m points, noise-free), test on a grid of 200 points.
    """
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(m, 1))
    y = target_function(X)
    X_test = np.linspace(0, 1, 200)[:, None]
    y_test = target_function(X_test)
    report: dict = {"epochs": epochs, "lr": lr, "activation": activation, "models": {}}
    for name, sizes in equal_param_architectures().items():
        mses, fits = [], []
        for seed in seeds:
            net = MLP(sizes, activation, "identity", init="xavier", seed=seed)
            fit(net, X, y, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,
                batch_size=batch_size, seed=seed)  # fmt: skip
            pred = net.predict(X_test)
            mses.append(float(np.mean((pred - y_test) ** 2)))
            fits.append(pred[:, 0].tolist())
        report["models"][name] = {
            "sizes": sizes,
            "params": param_count(sizes),
            "test_mse": mses,
            "best": min(mses),
            "median": float(np.median(mses)),
            "best_fit": fits[int(np.argmin(mses))],
        }
    report["x_test"] = X_test[:, 0].tolist()
    report["y_test"] = y_test[:, 0].tolist()
    return report
