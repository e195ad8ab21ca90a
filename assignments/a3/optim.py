"""参数更新：梯度下降、冲量、小批量 / Updates: gradient descent, momentum, mini-batches.

所有参数同时更新：梯度都在旧参数处算出，返回新数组，不修改传入的数组。
All parameters are updated simultaneously from gradients computed at the old parameters; the
functions return new arrays and never modify the caller's arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


# ---- given code (给定代码): gradient_descent_update ----
def gradient_descent_update(
    params: Sequence[np.ndarray], grads: Sequence[np.ndarray], lr: float
) -> list[np.ndarray]:
    """梯度下降 / Gradient descent: W := W − α ∂J/∂W, b := b − α ∂J/∂b.

    ``grads`` are of the averaged J = (1/m) Σ_n J_n (the algorithm flow's averaged update).
    Shapes: each grads[k] as params[k]. Returns new arrays.
    """
    return [p - lr * g for p, g in zip(params, grads, strict=True)]


# ---- end given ----


def momentum_update(
    params: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    velocities: Sequence[np.ndarray],
    lr: float,
    beta: float = 0.9,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """冲量法（设置冲量，加速优化）/ Gradient descent with momentum.

    对每个参数 θ（W 或 b）/ for every parameter θ (a W or a b):

        v := β v − α ∂J/∂θ,     θ := θ + v

    v 是“速度”：过去梯度的指数加权和。平坦方向上速度累积，狭长山谷中来回振荡相互抵消。
    v is a velocity, an exponentially weighted sum of past gradients: it builds up along flat
    directions and cancels out across a ravine.

    形状 / Shapes: grads[k], velocities[k] 与 params[k] 相同 / as params[k]; lr = α, beta = β.
    返回 / Returns ``(new params, new velocities)``, two lists of new arrays; do not modify
    the inputs in place.
    """
    raise NotImplementedError('请实现 momentum_update（约 2 行）/ implement momentum_update (about 2 lines)')


# ---- given code (给定代码): GradientDescent ----
class GradientDescent:
    """梯度下降优化器 / Plain gradient descent; used on mini-batches it is SGD.

    PyTorch: ``torch.optim.SGD(params, lr=α)``.
    """

    def __init__(self, lr: float = 0.1) -> None:
        self.lr = lr

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """就地更新参数 / Update ``params`` in place with :func:`gradient_descent_update`."""
        for p, new in zip(params, gradient_descent_update(params, grads, self.lr), strict=True):
            p[...] = new


# ---- end given ----
# ---- given code (给定代码): Momentum ----
class Momentum:
    """冲量优化器 / Gradient descent with momentum (设置冲量，加速优化).

    v := β v − α ∂J/∂θ; θ := θ + v. The velocities belong to the parameter arrays of the
    first ``step`` (matched by identity, not by list position): stepping other arrays raises
    a clear ValueError; call :meth:`reset` (or make a new optimizer) for another network.
    PyTorch: ``torch.optim.SGD(lr=α, momentum=β)`` keeps buf := β buf + g, θ −= α buf, the
    same trajectory; our v = −α × torch's buf.
    """

    def __init__(self, lr: float = 0.1, beta: float = 0.9) -> None:
        self.lr = lr
        self.beta = beta
        self.velocities: list[np.ndarray] | None = None
        self._owner: list[np.ndarray] = []

    def reset(self) -> None:
        """清空速度 / Forget the velocities (and which parameters they belong to)."""
        self.velocities, self._owner = None, []

    def state_for(self, params: Sequence[np.ndarray]) -> list[np.ndarray]:
        """这些参数的速度 / The velocities of exactly these parameter arrays (zeros at first)."""
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
            self._owner = list(params)
        elif len(params) != len(self._owner) or any(
            p is not q for p, q in zip(params, self._owner, strict=False)
        ):
            raise ValueError(
                "这个 Momentum 已保存另一组参数的速度；请调用 opt.reset() 或为新网络新建优化器\n"
                "this Momentum holds the velocities of other parameter arrays; call opt.reset() "
                "or make a new optimizer for another network"
            )
        return self.velocities

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """就地更新参数与速度 / Update ``params`` in place with :func:`momentum_update`."""
        new_params, self.velocities = momentum_update(
            params, grads, self.state_for(params), self.lr, self.beta
        )
        for p, new in zip(params, new_params, strict=True):
            p[...] = new


# ---- end given ----


def minibatches(
    m: int, batch_size: int, rng: np.random.Generator | None = None
) -> Iterator[np.ndarray]:
    """小批量下标（生成器）/ Generator of the index arrays of the mini-batches over m samples.

    先确定样本顺序：给了 ``rng`` 则用 ``rng.permutation(m)``（随机打乱，每轮不同），否则按
    0, 1, …, m−1 的顺序；然后依次产出长度为 ``batch_size`` 的连续片段（最后一批可以更短）。
    The order is ``rng.permutation(m)`` when ``rng`` is given (call it exactly once), else
    0 … m−1; then yield consecutive slices of ``batch_size`` indices (the last may be shorter).

    每个样本在一轮中恰好出现一次；``batch_size >= m`` 即一整批（普通梯度下降）。
    Every sample appears exactly once per epoch; ``batch_size >= m`` is one full batch.
    ``batch_size < 1`` raises ``ValueError``.

    产出 / Yields: int arrays of shape (|B|,).
    """
    raise NotImplementedError('请实现 minibatches（约 5 行）/ implement minibatches (about 5 lines)')


# ---- given code (给定代码): get_optimizer ----
def get_optimizer(name: str, lr: float, beta: float = 0.9) -> GradientDescent | Momentum:
    """按名字取优化器 / 'gd' or 'sgd' (the same rule; batching decides) or 'momentum'."""
    if name in ("gd", "sgd"):
        return GradientDescent(lr)
    if name == "momentum":
        return Momentum(lr, beta)
    raise ValueError(
        f"未知的优化器 {name!r}（可用 gd, sgd, momentum）\nunknown optimizer {name!r} (gd, sgd, momentum)"
    )


# ---- end given ----
