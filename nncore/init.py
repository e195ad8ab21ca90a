"""权重初始化 / Weight initialisers.

Each returns ``W`` of shape (n_in, n_out) (``W[j, i] = w_ji``); biases start at zero.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nncore._checks import bilingual


def uniform(n_in: int, n_out: int, rng: np.random.Generator, limit: float = 0.5) -> np.ndarray:
    """讲义中的小随机数初始化 / The lecture's small random values: w ~ U[−limit, limit]."""
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def xavier(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Xavier/Glorot 均匀初始化 / Xavier: w ~ U[−√(6/(n_in+n_out)), +√(6/(n_in+n_out))]."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """He 初始化（适合 ReLU）/ He, for ReLU: w ~ N(0, 2/n_in)."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


INITIALISERS: dict[str, Callable[[int, int, np.random.Generator], np.ndarray]] = {
    "uniform": uniform,
    "xavier": xavier,
    "he": he,
}


def get_initializer(name: str) -> Callable[[int, int, np.random.Generator], np.ndarray]:
    """按名字取初始化方法 / Look an initializer up by name: 'uniform', 'xavier', 'he'.

    Spelt like :func:`nncore.optim.get_optimizer`; ``get_initialiser`` is kept as an alias.
    """
    if name not in INITIALISERS:
        known = ", ".join(INITIALISERS)
        raise ValueError(
            bilingual(
                f"未知的初始化方法 {name!r}；可用：{known}",
                f"unknown initialiser {name!r}; known: {known}",
            )
        )
    return INITIALISERS[name]


#: 旧名（英式拼写），保留兼容 / The former (British) spelling, kept as an alias.
get_initialiser = get_initializer
