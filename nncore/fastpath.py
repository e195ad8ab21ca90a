"""库的快速训练路径 / The library's fast path for one epoch of mini-batch SGD.

:func:`nncore.training.sgd_epoch` is the plain reference (the students' version): per batch
it calls ``MLP.loss``, which validates the batch, computes ∂J/∂a for every layer and builds
new arrays, and then ``optimizer.step``. :class:`EpochEngine` computes **the same numbers**
(tested equal to the plain path) for an :class:`nncore.mlp.MLP` with less work:

* the data are validated, converted to the model's dtype and the targets made one-hot once
  (``fit`` builds one engine per call), not per batch; one permutation per epoch, each batch
  gathered by one fancy index (measured here: faster than permuting all of X per epoch into
  a buffer, or ``np.take`` into one); in order (no rng) the batches are slices, no copy;
* the parameters live in one flat vector θ in the slide's order, so each layer's [W; b] is
  one (N_l + 1, N_{l+1}) matrix: with a column of ones on x, one GEMM gives
  z^(2) = xW^(1) + b^(2) and one gives [∂J/∂W^(1); ∂J/∂b^(2)]; the bias gradients of the
  other layers are one GEMV each (1ᵀδ: a column sum by ``np.sum(axis=0)`` costs several
  times more on a narrow array);
* ∂J/∂a^(1) of the input layer is never computed (nothing uses it);
* the learning rate rides on the small δ^(L) (the gradients come out as −α·∂J/∂θ);
* the update is a few whole-vector operations on θ: momentum v := βv + G, then the weight
  decay's αλ/m·W is written into the gradient's own (spent) weight rows and subtracted, so
  no further θ-sized array is touched per batch (plain GD keeps one for it); λ/(2m) Σ w² is
  one BLAS dot product per layer;
* the output activation is skipped where the loss fuses with it (δ^(L) comes from z^(L)),
  and softmax + cross-entropy and sigmoid + BCE are computed in a few in-place operations
  without re-validating the targets; the softmax shifts z by the batch's maximum (one
  reduction instead of a slow row-wise one; a row whose sum then fell below float precision
  makes that batch shift per row) and sums its rows as a GEMV with ones;
* z, a and δ live in preallocated buffers; sigmoid (as ½ + ½ tanh(z/2)) and its derivative
  are computed in place.

What is left above the matrix products (784-100-10, batch 64, measured on the 2-core
machine by switching each part off): the per-batch gather of X (about 35 µs: the rows come
from memory), the momentum and decay passes over θ, v and G (about 90 µs) and the
element-wise work and Python calls (about 35 µs), against about 200 µs of GEMMs.

Equal to the plain path up to float rounding (the tests compare parameters and losses after
whole epochs, float32 and float64; the sigmoid formula, where b is added and the order of
the sums differ).

``fit`` uses it automatically for an ``MLP`` (any other model, or a subclass that overrides
``loss``, takes the plain path). Other optimizers still work: they get the gradients through
their own ``step``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from nncore._checks import ShapeError, as_2d, bilingual, require_finite, require_same_rows
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
    np.multiply(z, 0.5, out)
    np.tanh(out, out)
    out *= 0.5
    out += 0.5
    return out


class _Layer:
    """一层的视图 / One layer's views: [W; b] in θ and in the gradient vector G.

    ``block`` is [W; b] (N_l + 1, N_{l+1}) in θ, ``W``/``b`` its two parts; ``gblock``,
    ``gW``/``gb`` the same in G.
    """

    def __init__(self, block: np.ndarray, gblock: np.ndarray) -> None:
        self.block, self.W, self.b = block, block[:-1], block[-1]
        self.gblock, self.gW, self.gb = gblock, gblock[:-1], gblock[-1]


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
    then one (N_l + 1, N_{l+1}) matrix: with a column of ones appended to x, one GEMM
    gives z^(2) = xW^(1) + b^(2) and one gives [∂J/∂W^(1); ∂J/∂b^(2)]; the optimizer updates
    θ in a few whole-vector operations. A :class:`~nncore.optim.Momentum`'s velocities move
    with the parameters. X is copied once with the column of ones (memory: about one more X).
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
        self.rows = np.empty(b, dtype)  # per-row sums of the softmax
        self.ones_b, self.ones_k = np.ones(b, dtype), np.ones(k, dtype)
        # a softmax row sum below this lost precision to the batch-wide shift (e^-71 in float32)
        self.tiny = float(np.finfo(dtype).tiny / np.finfo(dtype).eps)
        self.row_shifts = 0  # batches that needed the per-row shift (a diagnostic)
        f_out = model.activations[-1]
        self.sigmoid = [f.name == "sigmoid" for f in model.activations[:-1]]
        if self.spec.name == "ce" and f_out.name == "softmax":
            self._output = self._softmax_ce
        elif self.spec.name == "bce" and f_out.name == "sigmoid":
            self._output = self._sigmoid_bce
        else:
            self._output = self._generic_output
        self.views: list[np.ndarray] = []
        self._vviews: list[np.ndarray] = []
        self._bind()

    # --- parameters in one vector ---------------------------------------------------------
    def _blocks(self, flat: np.ndarray) -> list[np.ndarray]:
        """每层的 [W; b] 视图 / The (N_l + 1, N_{l+1}) view of each layer's [W; b] in ``flat``."""
        sizes = self.model.sizes
        return _views(flat, [(n_in + 1, n_out) for n_in, n_out in pairwise(sizes)])

    def _bind(self) -> None:
        """参数与速度放入平坦向量（若尚未）/ Move θ (and momentum's v) into flat vectors."""
        net, opt = self.model, self.optimizer
        params = net.params
        if len(params) != len(self.views) or any(
            p is not q for p, q in zip(params, self.views, strict=False)
        ):
            velocities = opt.state_for(params) if type(opt) is Momentum else None
            self.theta = np.concatenate([p.ravel() for p in params])
            self.G = np.empty_like(self.theta)
            blocks = zip(self._blocks(self.theta), self._blocks(self.G), strict=True)
            self.layers = [_Layer(*views) for views in blocks]
            net.weights = [layer.W for layer in self.layers]
            net.biases = [layer.b for layer in self.layers]
            self.views = net.params
            if velocities is not None:  # the velocities follow their parameters
                opt._owner, opt.velocities = list(self.views), velocities
        if type(opt) is Momentum:
            vel = opt.state_for(self.views)
            if len(vel) != len(self._vviews) or any(
                v is not w for v, w in zip(vel, self._vviews, strict=False)
            ):  # new or reset velocities, or replaced by a plain Momentum.step
                self.V = np.concatenate([v.ravel() for v in vel]).astype(self.theta.dtype)
                self._vviews = _views(self.V, [p.shape for p in self.views])
                opt.velocities = self._vviews

    # --- one batch ------------------------------------------------------------------------
    def _softmax_ce(self, z: np.ndarray, yb: np.ndarray, scale: float) -> tuple[float, np.ndarray]:
        """softmax + 交叉熵 / J and scale·δ^(L) = scale·(softmax(z) − y)/m (targets checked once).

        With rows of y summing to 1: J = (1/m) Σ_n [ln Σ_k e^{z_k} − Σ_k y_k z_k]. z (a buffer)
        is shifted in place by the batch's maximum (one reduction instead of one per row: no
        e^z overflows); a row whose own maximum lies so far below it that its sum lost
        precision (< ``tiny``) makes the batch shift each row by its own maximum instead.
        Row sums are a GEMV with ones (a row-wise reduction of a narrow array is slow).
        """
        n = z.shape[0]
        z -= z.max()
        p = np.exp(z, out=self.p[:n])
        s = np.matmul(p, self.ones_k, out=self.rows[:n])
        if s.min() < self.tiny:
            self.row_shifts += 1
            z -= z.max(axis=1, keepdims=True)
            np.exp(z, out=p)
            np.matmul(p, self.ones_k, out=s)
        p /= s[:, None]
        p -= yb
        p *= scale / n
        J = (float(np.log(s, out=s).sum()) - float(np.vdot(yb, z))) / n
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

    def _generic_output(
        self, z: np.ndarray, yb: np.ndarray, scale: float
    ) -> tuple[float, np.ndarray]:
        """其他输出层与损失 / Any other output activation and loss, through ``output_loss``."""
        f_out = self.model.activations[-1]
        fused = self.spec.fused is not None and f_out.name == self.spec.fused_with
        J, delta = output_loss(self.spec, f_out, z if fused else f_out.forward(z), z, yb)
        if scale != 1.0:
            delta *= scale
        return J, delta

    def _batch(self, rows: np.ndarray | slice, scale: float) -> tuple[float, int]:
        """一个批量 / One batch: forward, δ recursion, scale × [∂J/∂W; ∂J/∂b] into ``G``.

        ``rows``: the batch's sample indices (or a slice: no copy). ``scale`` is −α for the
        built-in optimizers (the learning rate rides on the small δ^(L) instead of a pass
        over every gradient) and 1 otherwise. Returns (J_B, |B|).
        """
        matmul, layers, acts = np.matmul, self.layers, self.model.activations
        x = self.Xa[rows]  # [x, 1]: the first GEMM adds b^(2) too
        n = x.shape[0]
        inputs = [x]
        z = matmul(x, layers[0].block, out=self.z[0][:n])
        for l in range(1, len(layers)):
            a = self.a[l - 1][:n]
            if self.sigmoid[l - 1]:
                _sigmoid_into(z, a)
            else:
                a[...] = acts[l - 1].forward(z)
            inputs.append(a)
            z = matmul(a, layers[l].W, out=self.z[l][:n])
            z += layers[l].b
        J, delta = self._output(z, self.Y[rows], scale)
        for l in range(len(layers) - 1, 0, -1):
            layer, a = layers[l], inputs[l]
            matmul(a.T, delta, out=layer.gW)
            matmul(self.ones_b[:n], delta, out=layer.gb)  # Σ over the batch, as a GEMV
            da = matmul(delta, layer.W.T, out=self.da[l - 1][:n])
            if self.sigmoid[l - 1]:  # δ = ∂J/∂a ⊙ a(1 − a)
                t = np.subtract(1, a, out=self.tmp[l - 1][:n])
                t *= a
                da *= t
                delta = da
            else:
                delta = acts[l - 1].backward(da, self.z[l - 1][:n], a)
        matmul(x.T, delta, out=layers[0].gblock)  # [∂J/∂W^(1); ∂J/∂b^(2)] at once
        return J, n

    def _decay_rows(self) -> list[np.ndarray]:
        """αλ/m·W 的缓冲 / The weight rows of T, a θ-shaped buffer that is 0 on the biases.

        Plain GD has no spare θ-sized array (momentum puts αλ/m·W into the spent gradient);
        T is made on first use.
        """
        if getattr(self, "T", None) is None or self.T.shape != self.theta.shape:
            self.T = np.zeros_like(self.theta)
        return [B[:-1] for B in self._blocks(self.T)]

    # --- one epoch ------------------------------------------------------------------------
    def run(self, rng: np.random.Generator | None = None) -> float:
        """一轮 / One epoch in the order ``rng.permutation(m)`` (in order when rng is None).

        Per batch θ := θ − α(∂J_B/∂θ) with J_B including λ/(2m) Σ w² (gradient (λ/m)·W on
        the weights): plain GD, or momentum v := βv − α∂J_B/∂θ, θ := θ + v. In order, the
        batches are slices of X (no copy); shuffled, one fancy index per batch.
        """
        self._bind()
        m, b, opt = self.m, self.batch, self.optimizer
        order = rng.permutation(m) if rng is not None else None
        kind = type(opt)
        builtin = kind is GradientDescent or kind is Momentum
        lr = float(opt.lr) if builtin else 1.0
        c = self.lam / m  # ∂/∂W of λ/(2m) Σ w² is c·W
        k = c * lr  # the weight decay's step αc·W
        theta, G, layers = self.theta, self.G, self.layers
        scale = -lr if builtin else 1.0
        batch = self._batch
        decay_rows = self._decay_rows() if kind is GradientDescent and c else []
        total = 0.0
        for start in range(0, m, b):
            J, n = batch(
                order[start : start + b] if order is not None else slice(start, start + b), scale
            )
            if not builtin:  # any other optimizer: the plain gradients (+ c·W) through its step
                if c:
                    for layer in layers:
                        J += c / 2 * float(np.vdot(layer.W, layer.W))
                        layer.gW += layer.W * c
                opt.step(self.views, [g.copy() for g in _views(G, [p.shape for p in self.views])])
            elif kind is GradientDescent:  # θ := θ − α g − α c W (αcW kept apart: float32)
                if c:
                    for layer, d in zip(layers, decay_rows, strict=True):
                        J += c / 2 * float(np.vdot(layer.W, layer.W))
                        np.multiply(layer.W, k, d)
                    theta -= self.T
                theta += G
            else:  # v := βv − α g − α c W; θ := θ + v
                V = self.V
                V *= opt.beta
                V += G
                if c:  # αc·W into the spent gradient's weight rows (no extra array), then v −= it
                    for layer, v in zip(layers, self._vviews[::2], strict=True):
                        J += c / 2 * float(np.vdot(layer.W, layer.W))
                        v -= np.multiply(layer.W, k, layer.gW)
                theta += V
            total += J * n
        return total / m


def _with_ones(A: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """补一列 1 / A copy of A (m, n) with a column of ones appended: (m, n + 1), C-contiguous."""
    out = np.empty((A.shape[0], A.shape[1] + 1), dtype)
    out[:, :-1] = A
    out[:, -1] = 1
    return out


def _views(flat: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """按形状切分 / Consecutive views of ``flat`` with the given shapes, in order."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[start : start + size].reshape(shape))
        start += size
    return out


def fast_sgd_epoch(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    rng: np.random.Generator | None = None,
    **options: Any,
) -> float:
    """与 sgd_epoch 相同的一轮（快速路径）/ ``sgd_epoch`` with the same arguments and result.

    ``options`` are :class:`EpochEngine`'s (loss, optimizer, batch_size, lam). Builds an
    engine (validation and buffers) for this one call; to run many epochs on the same data
    keep the engine and call ``engine.run(rng)``.
    """
    return EpochEngine(model, X, y, **options).run(rng)
