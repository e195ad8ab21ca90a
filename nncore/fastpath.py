"""库的快速训练路径 / The library's fast path for one epoch of mini-batch SGD.

:func:`nncore.training.sgd_epoch` is the plain reference (the students' version): per batch
it calls ``MLP.loss``, which validates the batch, computes ∂J/∂a for every layer and builds
new arrays, and then ``optimizer.step``. :class:`EpochEngine` computes **the same numbers**
(tested equal to the plain path) for an :class:`nncore.mlp.MLP` with less work:

* the data are validated, converted to the model's dtype and the targets made one-hot once
  (``fit`` builds one engine per call), not per batch; one permutation per epoch: the
  targets are permuted once, each batch's rows of [X, 1] are gathered into one buffer (a
  whole-epoch permutation of X into a buffer measured slower); one batch of all of X is
  used in place;
* the parameters live in one flat vector θ laid out as [W^(2), …; W^(1); b^(2); b^(3), …]
  (``net.weights``/``net.biases`` are views of it): with a trailing column of ones on x,
  one product gives z^(2) = xW^(1) + b^(2) and one gives [∂J/∂W^(1); ∂J/∂b^(2)]; all
  weights are one range of θ and all biases another, so the weight decay and the step are
  one pass, the biases' step one more, and λ/(2m) Σ w² one dot product; the other bias
  gradients are one 1-row product each;
* every product and the update are prepared once per batch size (:class:`_Plan`) as calls
  without arguments into the BLAS numpy already ships (``nncore._blas``; numpy's own
  operations where it cannot be called): the gradient products add straight into
  momentum's velocity, and one ``rotm`` pass does the weight decay, the step and β
  together. During an epoch the velocity is kept as βv, so the products add to it with
  ``gemm``'s β = 1 (BLAS skips its pass that scales C, which any other β costs: about a
  third of the largest product at batch 32), and ``rotm`` maps (θ, u) to
  (θ + (u − kθ), β(u − kθ)) with u = βv − α∂J/∂W and k = αλ/m; v itself is restored
  at the end of the epoch (one pass per epoch);
* ∂J/∂a^(1) of the input layer is never computed (nothing uses it);
* the factors −α/m ride on the products (``gemm``'s α), not on a pass over δ; a sigmoid
  layer's first product gives z/2 directly, and the layer keeps u = 2σ(z) = 1 + tanh(z/2)
  (two in-place operations) with the ½ on the products that read it (and ¼ on ∂J/∂a's,
  for δ = ∂J/∂a ⊙ ¼u(2 − u)): powers of two, so every number is exactly as with σ itself;
* the output activation is skipped where the loss fuses with it (δ^(L) comes from z^(L)),
  and softmax + cross-entropy and sigmoid + BCE are a few in-place operations without
  re-validating the targets; the softmax shifts z only when e^z could overflow, by the
  batch's maximum (a row whose sum then fell below float precision makes that batch shift
  per row; one prepared max |z| skips both checks when every |z| ≤ 70.4 in float32, where
  neither can fire), and sums its rows as a GEMV with ones; BCE's δ is tanh(z/2) + 1 − 2y;
  the per-sample loss terms (each row's ln Σ_k e^{z_k}, each output's ln(1 + e^z)) go into
  an epoch-long array and are summed once per epoch in float64, so a batch computes only
  Σ y·z of its loss;
* z, a and δ live in preallocated contiguous buffers (numpy's element-wise loops are 2–3×
  slower on a strided view), and the constants of the element-wise operations are 0-d
  arrays of the dtype (a Python float costs a conversion in every ufunc call).

What is left above the matrix products (784-100-10, batch 32, µs per batch, each call timed
inside the epoch, the minimum over 20 epochs, on the shared 2-core machine): the decay +
step ~15 (one ``rotm`` pass over 2 × 79 400 floats, at the cache's bandwidth), Σ w² ~7 (one
``sdot``, latency-bound; ``snrm2``, ``sdsdot``, a complex ``cdotc`` and a 1 × n ``gemv``
are all slower), the gather of the batch's rows of X ~6 (12–15 when X comes from memory),
the softmax and its loss ~8 (six calls), the sigmoid ~2 forward and ~2.5 backward, the
small products of the second layer ~9 (five calls), against ~95–110 of products; each
small call costs 2–3× its warm time there.

Equal to the plain path up to float rounding (the tests compare parameters and losses after
whole epochs, float32 and float64, with the BLAS calls and with numpy's kernels; the
sigmoid formula, where b is added and the order of the sums differ).

``fit`` uses it automatically for an ``MLP`` (any other model, or a subclass that overrides
``loss``, takes the plain path). Other optimizers still work: they get the gradients through
their own ``step``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import pairwise
from typing import Any

import numpy as np

from nncore._blas import kernels
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

_max, _min, _sum = np.maximum.reduce, np.minimum.reduce, np.add.reduce


def supports(model: Any) -> bool:
    """快速路径是否适用 / True for an nncore MLP whose ``loss`` is nncore's own."""
    return isinstance(model, MLP) and type(model).loss is MLP.loss


class _Flat:
    """θ 的内部排列 / Views of one flat vector laid out as [W^(2), …, W^(L−1); W^(1); b^(2); b^(3), …].

    The first layer's weights come last among the weights and its bias row right after them,
    so that [W^(1); b^(2)] is one (N_1 + 1, N_2) matrix (x carries a trailing column of ones:
    one product gives z^(2) and one gives the gradient of both). So all the weights are one
    contiguous ``weights`` range (one pass decays and updates them, one dot product gives
    Σ w²) and all the biases one contiguous ``biases`` range (one pass updates them).
    """

    def __init__(self, flat: np.ndarray, sizes: list[int]) -> None:
        n1, n2 = sizes[0], sizes[1]
        shapes = list(pairwise(sizes))
        self.vector = flat
        start, later = 0, []
        for n_in, n_out in shapes[1:]:
            later.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
            start += n_in * n_out
        self.block = flat[start : start + (n1 + 1) * n2].reshape(n1 + 1, n2)  # [W^(1); b^(2)]
        self.W = [self.block[:n1], *later]
        self.weights = flat[: start + n1 * n2]
        self.biases = flat[start + n1 * n2 :]
        self.b = [self.block[n1]]
        start += (n1 + 1) * n2
        for _, n_out in shapes[1:]:
            self.b.append(flat[start : start + n_out])
            start += n_out

    def params(self) -> list[np.ndarray]:
        """讲义顺序 / The views in the slide's order W^(1), b^(2), W^(2), b^(3), …"""
        return [v for pair in zip(self.W, self.b, strict=True) for v in pair]


class EpochEngine:
    """一轮 SGD 的快速实现 / One epoch of mini-batch SGD on fixed data, with reusable buffers.

    ``EpochEngine(net, X, y, loss=..., optimizer=..., batch_size=..., lam=...)`` validates
    X (m, N_1) and y once; ``engine.run(rng)`` then does what
    ``sgd_epoch(net, X, y, loss=..., optimizer=..., batch_size=..., lam=..., rng=rng)``
    does and returns the same value (the |B|-weighted mean of the batch losses J_B, each
    with λ/(2m) Σ w²), equal up to float rounding.

    参数存放 / Parameter storage: the engine moves the network's parameters into one flat
    vector θ laid out as [W^(2), …; W^(1); b^(2); b^(3), …] (see :class:`_Flat`), so
    ``net.weights[l]`` and ``net.biases[l]`` become views of it (same values; arrays taken
    from ``net.params`` *before* the engine was built are no longer the network's;
    ``net.get_flat()`` still gives the slide's order). With a trailing column of ones on x,
    one product gives z^(2) = xW^(1) + b^(2) and one gives [∂J/∂W^(1); ∂J/∂b^(2)]. A
    :class:`~nncore.optim.Momentum`'s velocities move with the parameters into a vector of
    the same layout. X is copied once with the column of ones (memory: about one more X).
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
        f_out = model.activations[-1]
        self._bce = self.spec.name == "bce" and f_out.name == "sigmoid"
        self.m, self.batch = m, min(int(batch_size), m)
        b, sizes = self.batch, model.sizes
        # contiguous buffers (a strided view makes numpy's element-wise loops 2-3× slower)
        self.z = [np.empty((b, n), dtype) for n in sizes[1:]]
        self.a = [np.empty((b, n), dtype) for n in sizes[1:-1]]
        self.da = [np.empty((b, n), dtype) for n in sizes[1:-1]]  # ∂J/∂a, then δ in place
        self.tmp = [np.empty((b, n), dtype) for n in sizes[1:-1]]
        self.p = np.empty((b, k), dtype)  # δ^(L) (up to the factor the products apply)
        self.ones_k, self.ones_b = np.ones(k, dtype), np.ones((1, b), dtype)
        # ufunc operands as 0-d arrays of the dtype: a Python float costs a conversion per call
        self.zero, self.half, self.one, self.two = (np.array(v, dtype) for v in (0, 0.5, 1, 2))
        # e^z cannot overflow a sum of K terms below this: no softmax shift needed
        self.exp_safe = float(np.log(np.finfo(dtype).max) - np.log(k) - 1.0)
        # a batch's rows of [X, 1] (the whole [X, 1] itself when one batch is all of X)
        self.xbuf = self.Xa if b == m else np.empty((b, X.shape[1] + 1), dtype)
        self.Yp = np.empty_like(self.Y)  # the targets in the epoch's order
        self.Y2p = np.empty_like(self.Y) if self._bce else None  # 1 − 2y in that order
        self._Ys, self._Y2 = self.Y, self.Y2p  # the epoch's targets and 1 − 2y (run sets them)
        self.ops = kernels(dtype)  # prepared BLAS calls (numpy's own BLAS), else numpy
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        # a softmax row sum below this lost precision to the batch-wide shift (e^-71 in float32)
        self.tiny = float(np.finfo(dtype).tiny / np.finfo(dtype).eps)
        # every |z| at most this: no shift, and no row sum can fall below tiny (e^-70.4 in
        # float32), so neither check is needed: one max |z| (i?amax) instead of two reductions
        self.safe = min(self.exp_safe, -float(np.log(self.tiny)) - 1.0)
        self.row_shifts = 0  # batches that needed the per-row shift (a diagnostic)
        f_out = model.activations[-1]
        self.sigmoid = [f.name == "sigmoid" for f in model.activations[:-1]]
        # the per-sample terms of J, summed once per epoch (run): softmax: Σ_k e^{z_k} per
        # sample (their logs are summed); sigmoid + BCE: ln(1 + e^z) per output
        self.deferred: np.ndarray | None = None
        if self.spec.name == "ce" and f_out.name == "softmax":
            self._output, self.deferred = self._softmax_ce, np.ones(m, dtype)
        elif self._bce:
            self._output, self.deferred = self._sigmoid_bce, np.zeros((m, k), dtype)
        else:
            self._output = self._generic_output
        self.views: list[np.ndarray] = []
        self._vviews: list[np.ndarray] = []
        self._bind()

    # --- parameters in one vector ---------------------------------------------------------
    def _flat_like(self, values: list[np.ndarray]) -> tuple[np.ndarray, _Flat]:
        """一个新的平坦向量 / A new flat vector holding ``values`` (slide order), and its views."""
        flat = np.empty(sum(v.size for v in values), self.model.dtype)
        views = _Flat(flat, self.model.sizes)
        for view, v in zip(views.params(), values, strict=True):
            view[...] = v
        return flat, views

    def _bind(self) -> None:
        """参数与速度放入平坦向量（若尚未）/ Move θ (and momentum's v) into flat vectors."""
        net, opt = self.model, self.optimizer
        params = net.params
        if len(params) != len(self.views) or any(
            p is not q for p, q in zip(params, self.views, strict=False)
        ):
            velocities = opt.state_for(params) if type(opt) is Momentum else None
            self.theta, self.flat = self._flat_like(params)
            self.G = np.empty_like(self.theta)
            self.gflat = _Flat(self.G, net.sizes)
            net.weights, net.biases = list(self.flat.W), list(self.flat.b)
            self.views = net.params
            self._sumsq = self.ops.sumsq(self.flat.weights)  # Σ w², prepared
            self._plans.clear()
            if velocities is not None:  # the velocities follow their parameters
                opt._owner, opt.velocities = list(self.views), velocities
        if type(opt) is Momentum:
            vel = opt.state_for(self.views)
            if len(vel) != len(self._vviews) or any(
                v is not w for v, w in zip(vel, self._vviews, strict=False)
            ):  # new or reset velocities, or replaced by a plain Momentum.step
                self.V, self.vflat = self._flat_like(vel)
                self._vviews = self.vflat.params()
                opt.velocities = self._vviews
                self._plans.clear()

    # --- one batch ------------------------------------------------------------------------
    def _softmax_ce(self, plan: _Plan, rows: slice) -> float:
        """softmax + 交叉熵 / −Σ_n Σ_k y_k z_k; softmax(z) − y into ``plan.p`` (the products
        apply −α/m) and each row's s = Σ_k e^{z_k} into ``deferred[rows]``.

        With rows of y summing to 1 (targets checked once): |B|·J_B = Σ_n [ln s_n − Σ_k y_k
        z_k]; the ln s_n are summed once per epoch (``run``). When the batch's largest z could overflow e^z, z (a buffer) is shifted
        in place by it (one reduction instead of one per row); a row whose own sum then
        lost precision (< ``tiny``, e.g. a row far below the batch maximum) makes the batch
        shift each row by its own maximum instead. Both checks are skipped when max |z| ≤
        ``safe`` (one prepared ``i?amax``): then neither can fire, so the numbers are the same. Row sums are a GEMV with ones (a
        row-wise reduction of a narrow array is slow).
        """
        z, p, s, yb = plan.z[-1], plan.p, self.deferred[rows], self._Ys[rows]
        big = plan.absmax() > self.safe  # else no shift and no row sum below tiny: skip both
        if big:
            top = _max(z, None)  # the ufunc reductions themselves: no Python wrapper per call
            if top > self.exp_safe:
                z -= top
        np.exp(z, out=p)
        np.matmul(p, self.ones_k, out=s)
        if big and _min(s) < self.tiny:
            self.row_shifts += 1
            z -= z.max(axis=1, keepdims=True)
            np.exp(z, out=p)
            np.matmul(p, self.ones_k, out=s)
        p /= s[:, None]
        p -= yb
        return -float(np.vdot(yb, z))

    def _sigmoid_bce(self, plan: _Plan, rows: slice) -> float:
        """sigmoid + 二分类交叉熵 / −Σ y z; 2(σ(z) − y) = tanh(z/2) + 1 − 2y into ``plan.p``
        and ln(1 + e^z) into ``deferred[rows]``.

        |B|·J_B = Σ [ln(1 + e^z) − y z] (``np.logaddexp(0, z)``: stable for any z), the first
        terms summed once per epoch (``run``). The products apply −α/(2m); ``_Y2`` holds
        1 − 2y in the epoch's order.
        """
        z, p, yb = plan.z[-1], plan.p, self._Ys[rows]
        np.logaddexp(self.zero, z, out=self.deferred[rows])
        np.multiply(z, self.half, out=p)
        np.tanh(p, out=p)
        p += self._Y2[rows]
        return -float(np.vdot(yb, z))

    def _generic_output(self, plan: _Plan, rows: slice) -> float:
        """其他输出层与损失 / Any other output activation and loss, through ``output_loss``:
        |B|·J_B, and δ^(L) = ∂J/∂z^(L) into ``plan.p`` (the products apply −α).
        """
        f_out, z = self.model.activations[-1], plan.z[-1]
        fused = self.spec.fused is not None and f_out.name == self.spec.fused_with
        J, delta = output_loss(self.spec, f_out, z if fused else f_out.forward(z), z,
                               self._Ys[rows])  # fmt: skip
        np.copyto(plan.p, delta)
        return J * plan.n

    def _delta_factor(self, n: int) -> float:
        """δ^(L) 的因子 / What ``_output`` leaves out of δ^(L): 1/m, 1/(2m) or 1."""
        if self._output == self._softmax_ce:
            return 1.0 / n
        return 0.5 / n if self._output == self._sigmoid_bce else 1.0

    def _plan(
        self, n: int, momentum: bool, beta: float, k: float, scale: float, builtin: bool
    ) -> _Plan:
        """n 行批量的预备计划 / The prepared plan for batches of n rows (made once, then reused).

        ``builtin``: the plan's ``update`` applies the step (else the optimizer's own ``step``).
        """
        key = (n, momentum, beta, k, scale, builtin)
        plan = self._plans.get(key)
        if plan is None:
            sinks = self.vflat if momentum else self.gflat
            alpha = scale * self._delta_factor(n)
            carry = momentum and beta != 0.0  # the velocity is held as βv during run()
            plan = self._plans[key] = _Plan(
                self, n, sinks, 1.0 if carry else beta, k, alpha, beta if carry else 1.0
            )
            plan.carry = carry
            if not builtin:
                plan.update = []
        return plan

    # --- one epoch ------------------------------------------------------------------------
    def run(self, rng: np.random.Generator | None = None) -> float:
        """一轮 / One epoch in the order ``rng.permutation(m)`` (in order when rng is None).

        Per batch θ := θ − α(∂J_B/∂θ) with J_B including λ/(2m) Σ w² (gradient (λ/m)·W on
        the weights): plain GD, or momentum v := βv − α∂J_B/∂θ, θ := θ + v. Each batch's
        rows of [X, 1] are gathered into one buffer (no copy when one batch is all of X);
        the targets are permuted once per epoch.
        """
        self._bind()
        m, b, opt = self.m, self.batch, self.optimizer
        kind = type(opt)
        builtin = kind is GradientDescent or kind is Momentum
        lr = float(opt.lr) if builtin else 1.0
        c = self.lam / m  # ∂/∂W of λ/(2m) Σ w² is c·W
        momentum = kind is Momentum
        beta = float(opt.beta) if momentum else 0.0
        # built-in: s := s − αc·W; θ := θ + s in one pass (s: the velocity or −α·gradient)
        k = c * lr if builtin else 0.0
        scale = -lr if builtin else 1.0
        order = None if rng is None else rng.permutation(m)
        if order is None or self.xbuf is self.Xa:  # one batch of all X: the order is moot
            order, Ys = None, self.Y
        else:
            Ys = self.Y.take(order, axis=0, out=self.Yp, mode="clip")
        self._Ys = Ys
        if self.Y2p is not None:
            np.multiply(Ys, -2.0, out=self.Y2p)
            self.Y2p += 1.0
        Xa, output, sumsq = self.Xa, self._output, self._sumsq
        gather, take = self.xbuf is not Xa, Xa.take
        weights, gweights = self.flat.weights, self.gflat.weights
        total = reg = 0.0  # Σ_B |B| J_B without the decay term and deferred, Σ_B |B| Σ w²
        full = self._plan(min(b, m), momentum, beta, k, scale, builtin)
        carry = full.carry  # v held as βv: the products add to it with β = 1
        if carry:
            self.V *= beta
        try:
            for start in range(0, m, b):
                stop, plan = start + b, full
                if stop > m:  # the last, shorter batch
                    stop = m
                    plan = self._plan(m - start, momentum, beta, k, scale, builtin)
                if gather:
                    if order is None:
                        np.copyto(plan.x, Xa[start:stop])
                    else:  # take(indices, axis, out, mode): positional, no keyword parsing
                        take(order[start:stop], 0, plan.x, "clip")
                for op in plan.forward:
                    op()
                total += output(plan, slice(start, stop))
                for op in plan.backward:
                    op()
                if c:  # all the weights are one range of θ: one dot product
                    reg += sumsq() * (stop - start)
                for op in plan.update:  # built-in: weights s −= αcW, θ += s in one pass; biases
                    op()
                if not builtin:  # any other optimizer: the plain gradients (+ c·W) through its step
                    if c:
                        gweights += weights * c
                    opt.step(self.views, [g.copy() for g in self.gflat.params()])
        finally:
            if carry:
                self.V /= beta
        return (total + self._deferred_sum() + c / 2 * reg) / m

    def _deferred_sum(self) -> float:
        """每轮一次的求和 / The per-sample terms of J the epoch left in ``deferred``, summed
        once (in float64): Σ_n ln s_n for softmax + CE, Σ ln(1 + e^z) for sigmoid + BCE."""
        d = self.deferred
        if d is None:
            return 0.0
        if self._output == self._softmax_ce:
            np.log(d, out=d)
        return float(_sum(d, None, np.float64))


class _Plan:
    """n 行批量的视图与预备好的运算 / Views and prepared operations for batches of n rows.

    ``x`` is the batch's [x, 1] (a slice of the gather buffer); ``z``, ``a`` and ``p`` (δ^(L),
    without the factor ``alpha`` the products apply) are the layers' contiguous buffers. A sigmoid hidden layer keeps u = 2a = 1 + tanh(z/2) in its
    ``a`` buffer (one operation fewer than a = ½ + ½ tanh(z/2)); the products that read it
    carry the ½ (and ∂J/∂a's product the ¼ of a(1 − a) = ¼u(2 − u)): powers of two, so the
    numbers are exactly those of a. Three programs, lists of calls without arguments (one
    BLAS call per product when numpy's BLAS is found; numpy ufuncs with their ``out``
    bound), run in order:

    * ``forward``: z^(2) = [x, 1] [W^(1); b^(2)] (one product), z^(l+1) = a^(l) W^(l) + b^(l+1)
      for the others (``affine``: with BLAS, b^(l+1) copied into z by a one-column product
      and the product added to it with β = 1); the activations in place (sigmoid: the product gives z/2 and
      u = 1 + tanh(z/2));
    * ``backward``: per layer from the last, D := β·D + alpha·aᵀδ and the bias row
      d := β·d + alpha·1ᵀδ into the block D of the sink: momentum's velocity, held as βv
      (β = 1 here: the product adds to it), the gradient vector (β = 0) otherwise;
      ∂J/∂a = alpha·δ Wᵀ, and δ = ∂J/∂a ⊙ f'(z) in place (never for the input layer,
      whose [W; b] gradient is one product with [x, 1]);
    * ``update`` (built-in optimizers): s := s − kθ, θ := θ + s, s := β's over all the
      weights in one pass (k = αλ/m; β' = β when the velocity is held as βv, else 1), the
      same with k = 0 over all the biases (one pass over all of θ when λ = 0).
    """

    def __init__(
        self,
        engine: EpochEngine,
        n: int,
        sinks: _Flat,
        beta: float,
        k: float,
        alpha: float,
        step_beta: float = 1.0,
    ) -> None:
        ops, acts, flat = engine.ops, engine.model.activations, engine.flat
        self.carry = False  # set by the engine: the sink is momentum's velocity held as βv
        self.n, self.x = n, engine.xbuf[:n]
        self.a = [buf[:n] for buf in engine.a]
        self.z = [buf[:n] for buf in engine.z]
        self.p = engine.p[:n]
        self.absmax = engine.ops.absmax(self.z[-1])  # max |z^(L)|
        delta = [buf[:n] for buf in engine.da] + [self.p]  # δ of each layer's output
        factor = [1.0] * (len(self.z) - 1) + [alpha]  # what the products apply to each δ
        ones = engine.ones_b[:, :n]
        inputs = [self.x, *self.a]
        # what each layer's input buffer holds, times this, is its a: ½ for sigmoid's u
        scale = [1.0] + [0.5 if sig else 1.0 for sig in engine.sigmoid]
        half, one, two = engine.half, engine.one, engine.two
        self.forward: list[Callable[[], Any]] = []
        for l, z in enumerate(self.z):
            hidden = l < len(self.a)
            sigmoid = hidden and engine.sigmoid[l]
            if l == 0:  # the column of ones adds b^(2); a sigmoid layer gets z/2 straight away
                self.forward.append(
                    ops.product(self.x, flat.block, z, alpha=0.5 if sigmoid else 1.0)
                )
            else:  # z := b^(l+1) in every row, then the product adds to it
                self.forward += ops.affine(inputs[l], flat.W[l], flat.b[l], z, alpha=scale[l])
            if sigmoid:  # u = 2σ(z) = 1 + tanh(z/2) in place
                u = self.a[l]
                if l:
                    self.forward.append(partial(np.multiply, z, half, z))
                self.forward += [partial(np.tanh, z, u), partial(np.add, u, one, u)]
            elif hidden:
                self.forward.append(partial(_apply, acts[l].forward, (z,), self.a[l]))
        self.backward: list[Callable[[], Any]] = []
        for l in range(len(self.z) - 1, -1, -1):
            d, f = delta[l], factor[l]
            if l == 0:  # [∂J/∂W^(1); ∂J/∂b^(2)] in one product
                self.backward.append(ops.product(self.x.T, d, sinks.block, alpha=f, beta=beta))
                break
            self.backward.append(
                ops.product(inputs[l].T, d, sinks.W[l], alpha=f * scale[l], beta=beta)
            )
            bias = sinks.b[l][None, :]
            self.backward.append(ops.product(ones, d, bias, alpha=f, beta=beta))
            u, da, t = self.a[l - 1], delta[l - 1], engine.tmp[l - 1][:n]
            if engine.sigmoid[l - 1]:  # δ = ∂J/∂a ⊙ a(1 − a) = (¼ ∂J/∂a) ⊙ u(2 − u)
                self.backward += [ops.product(d, flat.W[l].T, da, alpha=f / 4),
                                  partial(np.subtract, two, u, t), partial(np.multiply, t, u, t),
                                  partial(np.multiply, da, t, da)]  # fmt: skip
            else:  # z^(l+1) itself: only sigmoid layers keep z/2
                self.backward += [ops.product(d, flat.W[l].T, da, alpha=f),
                                  partial(_apply, acts[l - 1].backward, (da, self.z[l - 1], u), da)]  # fmt: skip
        self.update: list[Callable[[], Any]] = []
        if k:  # the weights are one range: one pass; the biases one more
            self.update = [ops.decay_step(flat.weights, sinks.weights, k, step_beta),
                           ops.decay_step(flat.biases, sinks.biases, 0.0, step_beta)]  # fmt: skip
        else:
            self.update = [ops.decay_step(flat.vector, sinks.vector, 0.0, step_beta)]


def _apply(f: Callable[..., np.ndarray], args: tuple[np.ndarray, ...], out: np.ndarray) -> None:
    """out[...] = f(*args) (activations that return new arrays)."""
    out[...] = f(*args)


def _with_ones(A: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """补一列 1 / A copy [A, 1] of A (m, n) with a trailing column of ones: (m, n + 1)."""
    out = np.empty((A.shape[0], A.shape[1] + 1), dtype)
    out[:, :-1] = A
    out[:, -1] = 1
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
