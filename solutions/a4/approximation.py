"""通用近似定理 / Universal approximation with one layer of sigmoid units.

讲义 §1（通用近似定理）：对 [0, 1]^d 上的连续函数 f 和任意 ε > 0，存在 N、v_i、b_i 与 w_i，使
Lecture §1: for a continuous f on [0, 1]^d and any ε > 0 there are N, v_i, b_i, w_i with

    F(x) = Σ_{i=1}^{N} v_i σ(w_iᵀ x + b_i),     |F(x) − f(x)| < ε.

本模块（d = 1）：隐单元按固定规则放置（N 个陡峭的 sigmoid，中心均匀分布，即构造性证明里的“台阶”），
只用线性最小二乘求输出权重 v；误差随 N 增大而下降。隐层不训练，所以得到的 N 是一层网络所需单元数的**上界**。
Here (d = 1) the hidden units are placed by a fixed rule (N steep sigmoids with evenly spread
centres, the staircase of the constructive proof) and only v is fitted, by least squares; the
error falls as N grows. The hidden layer is not trained, so the N found is an *upper bound*.

加深：``composed_target`` 是 g∘g，g 本身是 4 个 sigmoid 之和，所以两个隐层（各 4 个单元）的网络能
精确表示它（``deep_network``）；一个隐层要多得多的单元（``units_needed``）。
Depth: ``composed_target`` is g∘g with g a sum of 4 sigmoids, so two hidden layers of 4 units
represent it exactly (``deep_network``); one hidden layer needs many more units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from activations import sigmoid
from mlp import mlp_forward


def sigmoid_sum(x: np.ndarray, w: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    """一层 sigmoid 单元之和 / F(x) = Σ_i v_i σ(w_i x + b_i) for scalar inputs.

    隐层输出构成矩阵 / the hidden outputs form Φ (m, N) with Φ_ni = σ(w_i x_n + b_i); F = Φ v.
    形状 / Shapes: x (m,); w, b, v (N,) -> F (m,). 用 numpy 广播，不要写循环 / broadcast, no loop.
    """
    ### BEGIN SOLUTION
    return sigmoid(np.outer(x, w) + b) @ v
    ### END SOLUTION


def fit_output_weights(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """最小二乘求输出权重 / Output weights v minimising Σ_n (F(x_n) − y_n)² for fixed w, b.

    Φ (m, N) = σ(x w + b)（同上 / as above）；求 min_v ‖Φ v − y‖²（线性最小二乘，可用
    ``np.linalg.lstsq(Phi, y, rcond=None)[0]`` / linear least squares).
    形状 / Shapes: x, y (m,); w, b (N,) -> v (N,).
    """
    ### BEGIN SOLUTION
    Phi = sigmoid(np.outer(x, w) + b)
    return np.linalg.lstsq(Phi, y, rcond=None)[0]
    ### END SOLUTION


# ---- given code (给定代码): staircase_units ----
def staircase_units(
    n: int, lo: float = 0.0, hi: float = 1.0, steepness: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """均匀放置的陡峭 sigmoid / N sigmoids with centres spread evenly over [lo, hi].

    Unit i steps at c_i (the i-th of n evenly spaced points, ends included); its slope is
    ``steepness`` × n / (hi − lo), so neighbouring steps overlap a little. Returns (w, b),
    each (n,), with −b_i / w_i = c_i.
    """
    c = np.linspace(lo, hi, n) if n > 1 else np.array([(lo + hi) / 2])
    w = np.full(n, steepness * max(n, 1) / (hi - lo))
    return w, -w * c


# ---- end given ----
# ---- given code (给定代码): max_error ----
def max_error(F: np.ndarray, y: np.ndarray) -> float:
    """最大误差 / sup-norm error max_n |F(x_n) − f(x_n)| (the ε of the theorem)."""
    return float(np.max(np.abs(np.asarray(F) - np.asarray(y))))


# ---- end given ----
# ---- given code (给定代码): approximation_curve ----
def approximation_curve(
    target: Callable[[np.ndarray], np.ndarray],
    units: Sequence[int],
    *,
    m_train: int = 400,
    m_test: int = 1001,
    steepness: float = 2.0,
) -> dict[str, list[float]]:
    """误差随单元数下降 / The error of F against ``target`` on [0, 1] for each N in ``units``.

    v is fitted on ``m_train`` evenly spaced points; the errors are measured on a finer grid of
    ``m_test`` points (mostly points not fitted). Returns {"units", "max_error", "rmse"}.
    """
    x_tr = np.linspace(0, 1, m_train)
    x_te = np.linspace(0, 1, m_test)
    y_tr, y_te = target(x_tr), target(x_te)
    out: dict[str, list[float]] = {"units": [], "max_error": [], "rmse": []}
    for n in units:
        w, b = staircase_units(int(n), steepness=steepness)
        v = fit_output_weights(x_tr, y_tr, w, b)
        F = sigmoid_sum(x_te, w, b, v)
        out["units"].append(int(n))
        out["max_error"].append(max_error(F, y_te))
        out["rmse"].append(float(np.sqrt(np.mean((F - y_te) ** 2))))
    return out


# ---- end given ----
# ---- given code (给定代码): units_needed ----
def units_needed(
    target: Callable[[np.ndarray], np.ndarray],
    eps: float,
    *,
    max_units: int = 512,
    **kwargs: float,
) -> int | None:
    """达到 ε 所需的单元数 / The smallest N (doubling search, then bisection) with max error < ε.

    Uses :func:`approximation_curve` (staircase units, least-squares v). None if even
    ``max_units`` units do not reach ε.
    """

    def ok(n: int) -> bool:
        return approximation_curve(target, [n], **kwargs)["max_error"][0] < eps  # type: ignore[arg-type]

    hi = 2
    while not ok(hi):
        if hi >= max_units:
            return None
        hi = min(2 * hi, max_units)
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


# ---- end given ----
# ---- given code (给定代码): _W ----
_W = np.full(4, 16.0)


# ---- end given ----
# ---- given code (给定代码): _B ----
_B = np.array([-2.0, -6.0, -10.0, -14.0])


# ---- end given ----
# ---- given code (给定代码): _V ----
_V = np.array([1.0, -1.0, 1.0, -1.0])


# ---- end given ----
# ---- given code (给定代码): inner_map ----
def inner_map() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """内层函数 g / g(x) = Σ_i v_i σ(w_i x + b_i) + c, 4 sigmoid units, two humps on [0, 1].

    v and c rescale the raw sum so that g maps [0, 1] onto [0, 1] (min 0, max 1 on a grid of
    10001 points): each of g's 4 monotone pieces sweeps the whole interval, so g∘g has 16.
    Returns (w, b, v, c), w, b, v (4,).
    """
    raw = sigmoid(np.outer(np.linspace(0, 1, 10001), _W) + _B) @ _V
    lo, hi = float(raw.min()), float(raw.max())
    return _W.copy(), _B.copy(), _V / (hi - lo), -lo / (hi - lo)


# ---- end given ----
# ---- given code (给定代码): composed_target ----
def composed_target(x: np.ndarray, k: int = 2) -> np.ndarray:
    """复合函数 / f = g∘g∘…∘g (k times) with g = :func:`inner_map`; (m,) -> (m,).

    g has 4 monotone pieces; every composition multiplies their number by 4.
    """
    w, b, v, c = inner_map()
    out = np.asarray(x, dtype=np.float64)
    for _ in range(k):
        out = sigmoid_sum(out, w, b, v) + c
    return out


# ---- end given ----
# ---- given code (给定代码): deep_network ----
def deep_network(k: int = 2) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """k 个隐层、每层 4 个 sigmoid，精确表示 g∘…∘g / k hidden layers of 4 sigmoids = g^k.

    Layer 1: z^(2) = x w + b. Layers 2…k: the next g reads g's output a v + c, so
    z = a (v wᵀ) + (b + c w) — a rank-1 (4, 4) weight matrix. Output (identity): a v + c.
    Returns (weights, biases, activations) for :func:`nncore.mlp.mlp_forward`.
    """
    w, b, v, c = inner_map()
    weights = [w[None, :]] + [np.outer(v, w) for _ in range(k - 1)] + [v[:, None]]
    biases = [b.copy()] + [b + c * w for _ in range(k - 1)] + [np.array([c])]
    return weights, biases, ["sigmoid"] * k + ["identity"]


# ---- end given ----
# ---- given code (给定代码): deep_forward ----
def deep_forward(x: np.ndarray, k: int = 2) -> np.ndarray:
    """用 k 个隐层的网络计算 / Evaluate :func:`deep_network` on x (m,) -> (m,)."""
    W, b, acts = deep_network(k)
    return mlp_forward(np.asarray(x, dtype=np.float64)[:, None], W, b, acts)[0][:, 0]


# ---- end given ----
