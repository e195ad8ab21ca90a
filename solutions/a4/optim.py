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


# ---- given code (给定代码): momentum_update ----
def momentum_update(
    params: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    velocities: Sequence[np.ndarray],
    lr: float,
    beta: float = 0.9,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """冲量法 / Momentum: v := β v − α ∂J/∂θ; θ := θ + v.

    torch's ``SGD(momentum=β)`` keeps buf := β buf + ∂J/∂θ and θ −= α buf: v = −α × buf.
    Shapes: grads[k] and velocities[k] as params[k]. Returns (new params, new velocities).
    """
    new_v = [beta * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + v for p, v in zip(params, new_v, strict=True)], new_v


# ---- end given ----


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


# ---- given code (给定代码): minibatches ----
def minibatches(
    m: int, batch_size: int, rng: np.random.Generator | None = None
) -> Iterator[np.ndarray]:
    """小批量下标 / Index arrays of mini-batches over m samples, shuffled when rng is given.

    ``batch_size >= m`` gives one full batch (plain gradient descent).
    """
    if batch_size < 1:
        raise ValueError("batch_size 必须 ≥ 1\nbatch_size must be >= 1")
    order = rng.permutation(m) if rng is not None else np.arange(m)
    for start in range(0, m, batch_size):
        yield order[start : start + batch_size]


# ---- end given ----


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
