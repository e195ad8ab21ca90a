"""库的快速训练路径 / The library's fast path for one epoch of mini-batch SGD.

:func:`nncore.training.sgd_epoch` is the plain reference (the students' version): per batch
it calls ``MLP.loss``, which validates the batch, computes ∂J/∂a for every layer and builds
new arrays, and then ``optimizer.step``. :class:`EpochEngine` computes **the same numbers**
(tested equal to the plain path) for an :class:`nncore.mlp.MLP` with less work:

* the data are validated, converted to the model's dtype and the targets made one-hot once
  (``fit`` builds one engine per call), not per batch; one permutation per epoch, each batch
  gathered by one fancy index (measured here: faster than permuting all of X per epoch);
* the parameters live in one flat vector θ in the slide's order, so each layer's [W; b] is
  one (N_l + 1, N_{l+1}) matrix: with a column of ones on x, one GEMM gives
  z^(2) = xW^(1) + b^(2) and one gives [∂J/∂W^(1); ∂J/∂b^(2)]; the GD / momentum update and
  the weight decay are a few whole-vector operations on θ;
* ∂J/∂a^(1) of the input layer is never computed (nothing uses it);
* the learning rate rides on the small δ^(L) (the gradients come out as −α·∂J/∂θ);
* the output activation is skipped where the loss fuses with it (δ^(L) comes from z^(L)),
  and softmax + cross-entropy and sigmoid + BCE are computed in a few in-place operations
  without re-validating the targets;
* z, a and δ live in preallocated buffers; sigmoid (as ½ + ½ tanh(z/2)) and its derivative
  are computed in place; Σ w² is a BLAS dot product.

Equal to the plain path up to float rounding (the tests compare parameters and losses after
whole epochs, float32 and float64; the sigmoid formula, where b is added and the order of
the sums differ).

``fit`` uses it automatically for an ``MLP`` (any other model, or a subclass that overrides
``loss``, takes the plain path). Other optimizers still work: they get the gradients through
their own ``step``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore._checks import ShapeError, as_2d, bilingual, require_finite, require_same_rows
from nncore.activations import Activation
from nncore.losses import (
    check_targets,
    get_loss,
    one_hot_targets,
    output_loss,
    require_output_activation,
)
from nncore.mlp import MLP
from nncore.optim import GradientDescent, Momentum

__all__ = ["EpochEngine", "fast_sgd_epoch", "supports"]


def supports(model: Any) -> bool:
    """快速路径是否适用 / True for an nncore MLP whose ``loss`` is nncore's own."""
    return isinstance(model, MLP) and type(model).loss is MLP.loss


def _sigmoid_into(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """就地 sigmoid / σ(z) = ½ + ½ tanh(z/2) into ``out``: stable, no overflow, four passes.

    Equal to :func:`nncore.activations.sigmoid` up to rounding (≤ 1.2e-7 in float32).
    """
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    np.multiply(out, 0.5, out=out)
    return np.add(out, 0.5, out=out)


class EpochEngine:
    """一轮 SGD 的快速实现 / One epoch of mini-batch SGD on fixed data, with reusable buffers.

    ``EpochEngine(net, X, y, loss=..., optimizer=..., batch_size=..., lam=...)`` validates
    X (m, N_1) and y once; ``engine.run(rng)`` then does what
    ``sgd_epoch(net, X, y, loss=..., optimizer=..., batch_size=..., lam=..., rng=rng)``
    does and returns the same value (the |B|-weighted mean of the batch losses J_B, each
    with λ/(2m) Σ w²), equal up to float rounding.

    参数存放 / Parameter storage: the engine moves the network's parameters into one flat
    vector θ in the slide's order (W^(1), b^(2), W^(2), …), so ``net.weights[l]`` and
    ``net.biases[l]`` become views of it (same values; arrays taken from ``net.params``
    *before* the engine was built are no longer the network's). Each layer's [W; b] is
    then one (N_l + 1, N_{l+1}) matrix: with a column of ones appended to a^(l), one GEMM
    gives z = aW + b and one gives [∂J/∂W; ∂J/∂b]; the optimizer updates θ in a few
    whole-vector operations. A :class:`~nncore.optim.Momentum`'s velocities move with the
    parameters. X is copied once with the column of ones (memory: about one more X).
    """

    def __init__(
        self,
        model: MLP,
        X: np.ndarray,
        y: np.ndarray,
        *,
        loss: str = "mse",
        optimizer: Any,
        batch_size: int = 32,
        lam: float = 0.0,
    ) -> None:
        if not supports(model):
            raise TypeError(
                bilingual("快速路径只适用于 nncore 的 MLP", "the fast path needs an nncore MLP")
            )
        if batch_size < 1:
            raise ValueError(bilingual("batch_size 必须 ≥ 1", "batch_size must be >= 1"))
        self.model, self.optimizer, self.lam = model, optimizer, float(lam)
        self.spec = get_loss(loss)
        require_output_activation(self.spec, model.activations[-1])
        dtype = model.dtype
        X = as_2d(np.asarray(X), "X", n_cols=model.sizes[0])
        require_finite(X, "X")
        m, k = X.shape[0], model.sizes[-1]
        if m == 0:
            raise ShapeError(
                bilingual("训练数据没有样本（m = 0）", "the training data has no samples (m = 0)")
            )
        y = np.asarray(y)
        require_same_rows(X, y, "X", "y")
        target = check_targets(np.empty((m, k), dtype=dtype), y, self.spec)
        if self.spec.name == "ce":  # labels -> one-hot; (m, K) rows must sum to 1
            target = one_hot_targets(target, k)
        require_finite(target, "y")
        self.Y = np.ascontiguousarray(target, dtype=dtype)
        self.Xa = _with_ones(X, dtype)
        self.m, self.batch = m, min(int(batch_size), m)
        b, sizes = self.batch, model.sizes
        self.z = [np.empty((b, n), dtype) for n in sizes[1:]]
        self.a = [np.empty((b, n), dtype) for n in sizes[1:-1]]
        self.da = [np.empty((b, n), dtype) for n in sizes[1:-1]]
        self.tmp = [np.empty((b, n), dtype) for n in sizes[1:-1]]
        self.p = np.empty((b, k), dtype)
        self.views: list[np.ndarray] = []
        self._vviews: list[np.ndarray] = []
        self._bind()

    # --- parameters in one vector ---------------------------------------------------------
    def _blocks(self, flat: np.ndarray) -> list[np.ndarray]:
        """每层的 [W; b] 视图 / The (N_l + 1, N_{l+1}) view of each layer's [W; b] in ``flat``."""
        out, start = [], 0
        for n_in, n_out in zip(self.model.sizes, self.model.sizes[1:], strict=False):
            out.append(flat[start : start + (n_in + 1) * n_out].reshape(n_in + 1, n_out))
            start += (n_in + 1) * n_out
        return out

    def _bind(self) -> None:
        """参数与速度放入平坦向量（若尚未）/ Move θ (and momentum's v) into flat vectors."""
        net, opt = self.model, self.optimizer
        params = net.params
        if len(params) != len(self.views) or any(
            p is not q for p, q in zip(params, self.views, strict=False)
        ):
            velocities = opt.state_for(params) if type(opt) is Momentum else None
            self.theta = np.concatenate([p.ravel() for p in params])
            self.blocks = self._blocks(self.theta)
            net.weights = [B[:-1] for B in self.blocks]
            net.biases = [B[-1] for B in self.blocks]
            self.views = net.params
            self.G = np.empty_like(self.theta)
            self.gblocks = self._blocks(self.G)
            self.T = np.empty_like(self.theta)
            if velocities is not None:  # the velocities follow their parameters
                opt._owner, opt.velocities = list(self.views), velocities
        if type(opt) is Momentum:
            vel = opt.state_for(self.views)
            if len(vel) != len(self._vviews) or any(
                v is not w for v, w in zip(vel, self._vviews, strict=False)
            ):  # new or reset velocities, or replaced by a plain Momentum.step
                self.V = np.concatenate([v.ravel() for v in vel]).astype(self.theta.dtype)
                self._vviews = _views_like(self.V, self.views)
                opt.velocities = self._vviews

    # --- one batch ------------------------------------------------------------------------
    def _hidden_forward(self, l: int, n: int, z: np.ndarray) -> np.ndarray:
        f: Activation = self.model.activations[l]
        out = self.a[l][:n]
        if f.name == "sigmoid":
            _sigmoid_into(z, out)
        else:
            out[...] = f.forward(z)
        return out

    def _hidden_backward(self, l: int, n: int, da: np.ndarray) -> np.ndarray:
        f: Activation = self.model.activations[l]
        a = self.a[l][:n]
        if f.name == "sigmoid":  # δ = da ⊙ a(1 − a)
            t = np.subtract(1, a, out=self.tmp[l][:n])
            np.multiply(a, t, out=t)
            return np.multiply(da, t, out=da)
        return f.backward(da, self.z[l][:n], a)

    def _softmax_ce(self, z: np.ndarray, yb: np.ndarray, scale: float) -> tuple[float, np.ndarray]:
        """softmax + 交叉熵 / J and scale·δ^(L) = scale·(softmax(z) − y)/m (targets checked once).

        With rows of y summing to 1: J = (1/m) Σ_n [ln Σ_k e^{z_k} − Σ_k y_k z_k] (z shifted
        by its row maximum first, in place: z is a buffer).
        """
        n = z.shape[0]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z, out=self.p[:n])
        s = p.sum(axis=1, keepdims=True)
        J = (float(np.log(s).sum()) - float(np.vdot(yb, z))) / n
        s *= n / scale
        p /= s
        p -= yb * (scale / n)
        return J, p

    def _sigmoid_bce(self, z: np.ndarray, yb: np.ndarray, scale: float) -> tuple[float, np.ndarray]:
        """sigmoid + 二分类交叉熵 / J and scale·δ^(L) = scale·(σ(z) − y)/m from the logits.

        J = (1/m) Σ [ln(1 + e^z) − y z] (``np.logaddexp(0, z)``: stable for any z).
        """
        n = z.shape[0]
        p = self.p[:n]
        J = (float(np.logaddexp(0, z, out=p).sum()) - float(np.vdot(yb, z))) / n
        _sigmoid_into(z, p)
        p -= yb
        p *= scale / n
        return J, p

    def _batch(self, idx: np.ndarray, scale: float) -> float:
        """一个批量 / One batch: forward, δ recursion, scale × [∂J/∂W; ∂J/∂b] into ``G``.

        ``scale`` is −α for the built-in optimizers (the learning rate rides on the small
        δ^(L) instead of a pass over every gradient) and 1 otherwise.
        """
        n, blocks, gblocks, L = idx.size, self.blocks, self.gblocks, len(self.blocks)
        acts = [self.Xa[idx]]  # [x, 1]: the first GEMM adds b^(2) too
        z = np.matmul(acts[0], blocks[0], out=self.z[0][:n])
        for l in range(1, L):
            acts.append(self._hidden_forward(l - 1, n, z))
            z = np.matmul(acts[l], blocks[l][:-1], out=self.z[l][:n])
            z += blocks[l][-1]
        yb = self.Y[idx]
        f_out = self.model.activations[-1]
        if self.spec.name == "ce" and f_out.name == "softmax":
            J, delta = self._softmax_ce(z, yb, scale)
        elif self.spec.name == "bce" and f_out.name == "sigmoid":
            J, delta = self._sigmoid_bce(z, yb, scale)
        else:
            fused = self.spec.fused is not None and f_out.name == self.spec.fused_with
            out = z if fused else f_out.forward(z)
            J, delta = output_loss(self.spec, f_out, out, z, yb)
            if scale != 1.0:
                delta *= scale
        for l in range(L - 1, 0, -1):
            np.matmul(acts[l].T, delta, out=gblocks[l][:-1])
            np.sum(delta, axis=0, out=gblocks[l][-1])
            da = np.matmul(delta, blocks[l][:-1].T, out=self.da[l - 1][:n])
            delta = self._hidden_backward(l - 1, n, da)
        np.matmul(acts[0].T, delta, out=gblocks[0])  # [∂J/∂W^(1); ∂J/∂b^(2)] at once
        return J

    # --- one epoch ------------------------------------------------------------------------
    def run(self, rng: np.random.Generator | None = None) -> float:
        """一轮 / One epoch in the order ``rng.permutation(m)`` (in order when rng is None).

        Per batch θ := θ − α(∂J_B/∂θ) with J_B including λ/(2m) Σ w² (gradient (λ/m)·W on
        the weights): plain GD, or momentum v := βv − α∂J_B/∂θ, θ := θ + v.
        """
        self._bind()
        m, b, opt = self.m, self.batch, self.optimizer
        order = rng.permutation(m) if rng is not None else np.arange(m)
        kind = type(opt)
        builtin = kind is GradientDescent or kind is Momentum
        lr = float(opt.lr) if builtin else 1.0
        c = self.lam / m  # ∂/∂W of λ/(2m) Σ w² is c·W
        theta, G, T = self.theta, self.G, self.T  # T: c·W on the weights, 0 on the biases
        weights = [B[:-1] for B in self.blocks]
        decays = [B[:-1] for B in self._blocks(T)]
        T[...] = 0
        total = 0.0
        for start in range(0, m, b):
            idx = order[start : start + b]
            J = self._batch(idx, -lr if builtin else 1.0)
            if c:  # d = αc·W (c·W for other optimizers), then λ/(2m) Σ w² from the hot d
                k = c * lr
                for W, d in zip(weights, decays, strict=True):
                    np.multiply(W, k, out=d)
                    J += float(np.vdot(d, W)) * c / (2 * k) if k else c / 2 * float(np.vdot(W, W))
            if not builtin:  # any other optimizer: the plain gradients through its own step
                if c:
                    G += T
                opt.step(self.views, [g.copy() for g in _views_like(G, self.views)])
            elif kind is GradientDescent:  # θ := θ − α g − α c W
                if c:
                    theta -= T
                theta += G
            else:  # v := βv − α g − α c W; θ := θ + v
                V = self.V
                V *= opt.beta
                V += G
                if c:
                    V -= T
                theta += V
            total += J * idx.size
        return total / m


def _with_ones(A: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """补一列 1 / A copy of A (m, n) with a column of ones appended: (m, n + 1), C-contiguous."""
    out = np.empty((A.shape[0], A.shape[1] + 1), dtype)
    out[:, :-1] = A
    out[:, -1] = 1
    return out


def _views_like(flat: np.ndarray, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """按 arrays 的形状切分 flat / Views of ``flat`` shaped like ``arrays``, in order."""
    out, start = [], 0
    for a in arrays:
        out.append(flat[start : start + a.size].reshape(a.shape))
        start += a.size
    return out


def fast_sgd_epoch(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: str = "mse",
    optimizer: Any,
    batch_size: int = 32,
    lam: float = 0.0,
    rng: np.random.Generator | None = None,
) -> float:
    """与 sgd_epoch 相同的一轮（快速路径）/ ``sgd_epoch`` with the same arguments and result.

    Builds an :class:`EpochEngine` (validation and buffers) for this one call; to run many
    epochs on the same data keep the engine and call ``engine.run(rng)``.
    """
    engine = EpochEngine(
        model, X, y, loss=loss, optimizer=optimizer, batch_size=batch_size, lam=lam
    )
    return engine.run(rng)
