"""通用近似定理：一层 sigmoid 单元之和 / Universal approximation with one layer of sigmoids.

讲义 §1（通用近似定理，Cybenko 1989, Hornik et al. 1989）: for a continuous f on [0, 1]^d
and any ε > 0 there are N, v_i, b_i ∈ R and w_i ∈ R^d with

    F(x) = Σ_{i=1}^{N} v_i σ(w_iᵀ x + b_i),     |F(x) − f(x)| < ε on [0, 1]^d.

Here (d = 1) the hidden units are placed by a fixed rule — N steep sigmoids whose centres
−b_i/w_i are spread evenly over the interval (the "staircase" of the constructive proof) — and
only the output weights v are fitted, by linear least squares. The error then falls as N grows
(:func:`approximation_curve`). Because the hidden layer is not trained, the N found for a given
ε is an *upper bound* on the units a one-layer network needs.

Depth: the lecture says an extra layer is worth more than extra width. :func:`composed_target`
is g∘g with g itself a sum of 4 sigmoid units, so a network with **two** hidden layers
of 4 units each represents it exactly (:func:`deep_network`); one hidden layer needs
many more units for the same error — with the staircase bound (:func:`units_needed`: 31 units
for max error < 0.05 where g itself needs 9) and with the whole hidden layer trained
(:func:`trained_one_layer`: g reaches 0.050 with 4 units, g∘g is still at 0.35 with 16 units and
0.026 with 32).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nncore.activations import sigmoid
from nncore.mlp import mlp_forward

__all__ = [
    "approximation_curve",
    "composed_target",
    "deep_forward",
    "deep_network",
    "fit_output_weights",
    "inner_map",
    "max_error",
    "sigmoid_sum",
    "staircase_units",
    "trained_one_layer",
    "units_needed",
]


def sigmoid_sum(x: np.ndarray, w: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    """一层 sigmoid 单元之和 / F(x) = Σ_i v_i σ(w_i x + b_i) for scalar inputs.

    Shapes: x (m,); w, b, v (N,) -> F (m,). Hidden activations a_i = σ(w_i x + b_i) form the
    matrix Φ (m, N) = σ(x[:, None] w + b); F = Φ v.
    """
    return sigmoid(np.outer(x, w) + b) @ v


def fit_output_weights(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """最小二乘求输出权重 / Output weights v minimising Σ_n (F(x_n) − y_n)² for fixed w, b.

    Shapes: x, y (m,); w, b (N,) -> v (N,). With Φ (m, N) = σ(x[:, None] w + b) this is the
    linear least-squares problem min_v ‖Φ v − y‖² (``np.linalg.lstsq``).
    """
    Phi = sigmoid(np.outer(x, w) + b)
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


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


def max_error(F: np.ndarray, y: np.ndarray) -> float:
    """最大误差 / sup-norm error max_n |F(x_n) − f(x_n)| (the ε of the theorem)."""
    return float(np.max(np.abs(np.asarray(F) - np.asarray(y))))


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


def trained_one_layer(
    target: Callable[[np.ndarray], np.ndarray],
    n: int,
    *,
    epochs: int = 1500,
    lr: float = 0.05,
    batch_size: int = 50,
    m_train: int = 400,
    m_test: int = 1001,
    seed: int = 0,
) -> float:
    """训练整个隐层后的误差 / Max error of a 1-n-1 network whose hidden layer is *trained* too.

    Starts from the staircase units with least-squares v, then trains every weight of
    MLP([1, n, 1], "sigmoid", "identity") on ½(F − f)² with momentum (mini-batches of
    ``batch_size``). A tighter, still not optimal, view of what one hidden layer of n units
    can do than :func:`approximation_curve`. Returns max |F − f| on ``m_test`` grid points.
    """
    from nncore.mlp import MLP
    from nncore.training import fit

    x, xt = np.linspace(0, 1, m_train), np.linspace(0, 1, m_test)
    w, b = staircase_units(n)
    net = MLP([1, n, 1], "sigmoid", "identity", seed=seed)
    net.weights[0][...], net.biases[0][...] = w[None, :], b
    net.weights[1][...] = fit_output_weights(x, target(x), w, b)[:, None]
    net.biases[1][...] = 0.0
    fit(net, x[:, None], target(x)[:, None], loss="mse", optimizer="momentum", lr=lr,
        epochs=epochs, batch_size=batch_size, seed=seed, track_accuracy=False)  # fmt: skip
    return max_error(net.predict(xt[:, None])[:, 0], target(xt))


# --- depth: a function that two hidden layers represent exactly -----------------------------
_W = np.full(4, 16.0)
_B = np.array([-2.0, -6.0, -10.0, -14.0])
_V = np.array([1.0, -1.0, 1.0, -1.0])


def inner_map() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """内层函数 g / g(x) = Σ_i v_i σ(w_i x + b_i) + c, 4 sigmoid units, two humps on [0, 1].

    v and c rescale the raw sum so that g maps [0, 1] onto [0, 1] (min 0, max 1 on a grid of
    10001 points): each of g's 4 monotone pieces sweeps the whole interval, so g∘g has 16.
    Returns (w, b, v, c), w, b, v (4,).
    """
    raw = sigmoid(np.outer(np.linspace(0, 1, 10001), _W) + _B) @ _V
    lo, hi = float(raw.min()), float(raw.max())
    return _W.copy(), _B.copy(), _V / (hi - lo), -lo / (hi - lo)


def composed_target(x: np.ndarray, k: int = 2) -> np.ndarray:
    """复合函数 / f = g∘g∘…∘g (k times) with g = :func:`inner_map`; (m,) -> (m,).

    g has 4 monotone pieces; every composition multiplies their number by 4.
    """
    w, b, v, c = inner_map()
    out = np.asarray(x, dtype=np.float64)
    for _ in range(k):
        out = sigmoid_sum(out, w, b, v) + c
    return out


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


def deep_forward(x: np.ndarray, k: int = 2) -> np.ndarray:
    """用 k 个隐层的网络计算 / Evaluate :func:`deep_network` on x (m,) -> (m,)."""
    W, b, acts = deep_network(k)
    return mlp_forward(np.asarray(x, dtype=np.float64)[:, None], W, b, acts)[0][:, 0]
