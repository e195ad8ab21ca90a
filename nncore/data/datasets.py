"""小型合成数据集 (带种子) / Small seeded synthetic data sets from the lecture.

- :func:`xor` — the canonical linearly inseparable problem (4 points, or noisy copies);
- :func:`make_inseparable_2d` (alias :func:`circles`) — class 1 inside a ring of class 0,
  the slide's "function composition makes inseparable data separable" example;
- :func:`curve` — 例题2 curve fitting, ``y = x + 0.3 sin(2πx) + ε``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["circles", "curve", "make_inseparable_2d", "xor"]

_XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def _check_n(n: int, name: str = "n", minimum: int = 1) -> int:
    if int(n) != n or n < minimum:
        raise ValueError(
            f"{name} 必须是 >= {minimum} 的整数, 得到 {n!r}\n{name} must be an integer >= {minimum}, got {n!r}"
        )
    return int(n)


def xor(
    n: int | None = None, *, noise: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """异或数据 / The XOR problem: y = x1 XOR x2.

    Args:
        n: ``None`` -> the 4 corners in the order (0,0), (0,1), (1,0), (1,1).
            An integer -> ``n`` samples, the corners repeated as evenly as possible
            (``n // 4`` or ``n // 4 + 1`` each), shuffled.
        noise: standard deviation of Gaussian noise added to X (labels keep the corner's).
        seed: seed of the random generator (used for shuffling and noise).

    Returns:
        ``X`` float64 of shape ``(n, 2)`` (``(4, 2)`` by default); ``y`` float64 of shape
        ``(n,)`` with values in {0.0, 1.0}.
    """
    if noise < 0:
        raise ValueError(f"noise 必须 >= 0, 得到 {noise}\nnoise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    idx = np.arange(4) if n is None else rng.permutation(np.arange(_check_n(n)) % 4)
    X = _XOR_X[idx].copy()
    if noise > 0:
        X += rng.normal(0.0, noise, size=X.shape)
    return X, _XOR_Y[idx].copy()


def make_inseparable_2d(
    n: int = 200,
    seed: int = 0,
    *,
    inner_radius: float = 0.5,
    ring: tuple[float, float] = (1.0, 1.5),
) -> tuple[np.ndarray, np.ndarray]:
    """线性不可分的二维数据: 圆内为 1 类, 外环为 0 类 / Class 1 inside a ring of class 0.

    No straight line separates the classes, but one hidden layer can map them to a linearly
    separable set (a circle ``‖x‖ = r`` with ``inner_radius < r < ring[0]`` does it).
    Points are uniform in area: class 1 in the disc ``‖x‖ ≤ inner_radius``, class 0 in the
    annulus ``ring[0] ≤ ‖x‖ ≤ ring[1]``.

    Args:
        n: number of points, ``n // 2`` of class 1 and ``n - n // 2`` of class 0, shuffled.
        seed: random seed.
        inner_radius: radius of the class-1 disc.
        ring: inner and outer radius of the class-0 annulus (``inner_radius < ring[0] < ring[1]``).

    Returns:
        ``X`` float64 of shape ``(n, 2)``; ``y`` float64 of shape ``(n,)`` in {0.0, 1.0}.
    """
    n = _check_n(n, minimum=2)
    r0, r1 = ring
    if not 0 < inner_radius < r0 < r1:
        raise ValueError(
            f"需要 0 < inner_radius < ring[0] < ring[1], 得到 {inner_radius}, {ring}\n"
            f"need 0 < inner_radius < ring[0] < ring[1], got {inner_radius}, {ring}"
        )
    rng = np.random.default_rng(seed)
    n1 = n // 2
    n0 = n - n1
    lo = np.concatenate([np.zeros(n1), np.full(n0, r0**2)])
    hi = np.concatenate([np.full(n1, inner_radius**2), np.full(n0, r1**2)])
    radius = np.sqrt(rng.uniform(lo, hi))
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    y = np.concatenate([np.ones(n1), np.zeros(n0)])
    order = rng.permutation(n)
    return X[order], y[order]


#: Alias of :func:`make_inseparable_2d` (the familiar "circles" name).
circles = make_inseparable_2d


def curve(m: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """例题2 曲线拟合数据 / 例题2 curve-fitting data: y = x + 0.3 sin(2πx) + ε.

    ``x ~ U[0, 1]`` (sorted ascending, handy for plotting), ``ε ~ U[-0.1, 0.1]``.

    Args:
        m: number of samples.
        seed: random seed.

    Returns:
        ``x`` float64 of shape ``(m, 1)``; ``y`` float64 of shape ``(m, 1)``.
    """
    m = _check_n(m, "m")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, size=m)).reshape(m, 1)
    eps = rng.uniform(-0.1, 0.1, size=(m, 1))
    y = x + 0.3 * np.sin(2.0 * np.pi * x) + eps
    return x, y
