"""同一全批量上同时训练多个网络 / Several same-shape MLPs trained at once on one full batch.

例题2's reference run (:func:`grader.suites.a3.example2_reference`) trains a 1-5-1 network
from four initialisations, with momentum, on the whole sample (one batch of m = 200) for
1000 epochs: 4000 tiny steps whose cost is call overhead, not arithmetic. Here the R runs are
stacked into (R, …) arrays, so one numpy call serves all four.

What it computes, per run r and epoch (lecture notation; z^(l+1) = a^(l) W^(l) + b^(l+1)):
forward a^(1) = X, z^(l+1) = a^(l) W^(l) + b^(l+1), a^(l+1) = f_l(z^(l+1)), output identity;
J = (1/m) Σ ½‖a^(L) − y‖² + λ/(2m) Σ w²; δ^(L) = (a^(L) − y)/m,
δ^(l) = (δ^(l+1) W^(l)ᵀ) ⊙ f'(z^(l)); ∂J/∂W^(l) = a^(l)ᵀ δ^(l+1) + (λ/m) W^(l),
∂J/∂b^(l+1) = Σ_n δ^(l+1); momentum v := βv − α ∂J/∂θ, θ := θ + v (v starts at 0).

That is exactly what ``nncore.training.fit(net, X, y, loss="mse", optimizer="momentum",
batch_size=m, …)`` does for each run; with a single batch per epoch fit's shuffling only
reorders the sum over the samples, so both agree up to float rounding
(``tests/grader/test_fullbatch.py`` compares them on 例题2's exact settings).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.activations import get_activation


def fit_full_batch(
    inits: Sequence[Sequence[np.ndarray]],
    X: np.ndarray,
    y: np.ndarray,
    *,
    activations: Sequence[str],
    lr: float,
    beta: float,
    epochs: int,
    lam: float = 0.0,
) -> list[list[np.ndarray]]:
    """全批量冲量法训练 R 个网络 / Full-batch momentum training of R networks at once.

    ``inits``: R parameter lists [W^(1) (N_1, N_2), b^(2) (N_2,), …] of one architecture;
    X (m, N_1), y (m, N_L); ``activations``: hidden activations then ``"identity"`` (the
    loss is ½‖h − y‖²). Returns the R trained parameter lists (float64), same order.

    Layout: the R runs side by side. W^(1) of every run becomes one (N_1, R·N_2) matrix (one
    GEMM for all first layers); every later W^(l) one block-diagonal (R·N_l, R·N_{l+1})
    matrix whose off-diagonal blocks are and stay exactly 0 (their gradient is masked), so
    each run only ever sees its own weights.
    """
    if activations[-1] != "identity":
        raise ValueError("fit_full_batch: the output activation must be 'identity' (mse)")
    acts = [get_activation(a) for a in activations[:-1]]
    L, R = len(activations), len(inits)
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[0]
    Y = np.tile(np.asarray(y, dtype=np.float64).reshape(m, -1), (1, R))
    Ws, bs, masks = [], [], []
    for l in range(L):
        blocks = [np.asarray(p[2 * l], dtype=np.float64) for p in inits]
        bs.append(np.concatenate([np.asarray(p[2 * l + 1], dtype=np.float64) for p in inits]))
        if l == 0:
            Ws.append(np.concatenate(blocks, axis=1))
            masks.append(None)
        else:
            Ws.append(_block_diag(blocks))
            masks.append(_block_diag([np.ones_like(b) for b in blocks]))
    vW = [np.zeros_like(W) for W in Ws]
    vb = [np.zeros_like(b) for b in bs]
    c, ones = lam / m, np.ones(m)
    for _ in range(epochs):
        a, zs = [X], []
        for l in range(L - 1):
            z = a[l] @ Ws[l] + bs[l]
            zs.append(z)
            a.append(_forward(acts[l], z))
        delta = (a[-1] @ Ws[-1] + bs[-1] - Y) / m
        for l in range(L - 1, -1, -1):
            gW = a[l].T @ delta
            if masks[l] is not None:
                gW *= masks[l]
            if c:
                gW += c * Ws[l]
            gb = ones @ delta  # Σ_n δ_n as one GEMV
            if l:
                delta = _backward(acts[l - 1], delta @ Ws[l].T, zs[l - 1], a[l])
            vW[l] *= beta
            vW[l] -= lr * gW
            Ws[l] += vW[l]
            vb[l] *= beta
            vb[l] -= lr * gb
            bs[l] += vb[l]
    out: list[list[np.ndarray]] = [[] for _ in range(R)]
    for l in range(L):
        n_in, n_out = np.asarray(inits[0][2 * l]).shape
        for r in range(R):
            rows = slice(0, n_in) if l == 0 else slice(r * n_in, (r + 1) * n_in)
            cols = slice(r * n_out, (r + 1) * n_out)
            out[r] += [Ws[l][rows, cols].copy(), bs[l][cols].copy()]
    return out


def _block_diag(blocks: list[np.ndarray]) -> np.ndarray:
    """块对角矩阵 / The block-diagonal matrix of equally shaped blocks."""
    n_in, n_out = blocks[0].shape
    out = np.zeros((len(blocks) * n_in, len(blocks) * n_out))
    for r, B in enumerate(blocks):
        out[r * n_in : (r + 1) * n_in, r * n_out : (r + 1) * n_out] = B
    return out


def _forward(f: object, z: np.ndarray) -> np.ndarray:
    """a = f(z) (sigmoid: 1/(1 + e^{−z}), which is 0 or 1 where e^{−z} overflows or underflows:
    equal to nncore's stable sigmoid up to rounding)."""
    if getattr(f, "name", "") == "sigmoid":
        with np.errstate(over="ignore"):
            e = np.exp(-z)
        e += 1.0
        return np.reciprocal(e, out=e)
    return f.forward(z)  # type: ignore[attr-defined,no-any-return]


def _backward(f: object, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """δ = ∂J/∂a ⊙ f'(z) (sigmoid: a(1 − a), the same value up to rounding)."""
    if getattr(f, "name", "") == "sigmoid":
        return da * a * (1.0 - a)
    return f.backward(da, z, a)  # type: ignore[attr-defined,no-any-return]
