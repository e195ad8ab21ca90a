"""多层感知机（a2 的内容，给定）/ The multilayer perceptron (from a2, given).

``MLP(sizes, activation, output_activation)`` 组合 a2 的前向与反向；``MLP.loss`` 返回 J 与全部梯度，
并调用你的 :func:`losses.weight_decay`（λ > 0 时）。
``MLP.loss`` returns J and every gradient and calls your ``losses.weight_decay`` when λ > 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from activations import Activation, get_activation
from checks import ShapeError, as_2d, bilingual, require_finite, require_same_rows
from init import get_initializer
from layers import (
    ActivationCache,
    DenseCache,
    activation_backward,
    activation_forward,
    dense_backward,
    dense_forward,
)
from losses import (
    Loss,
    check_targets,
    get_loss,
    output_loss,
    require_output_activation,
    weight_decay,
)

# ---- given code (给定代码): LayerCache ----
LayerCache = tuple[DenseCache, ActivationCache]


# ---- end given ----
# ---- given code (给定代码): mlp_forward ----
def mlp_forward(
    X: np.ndarray,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str | Activation],
) -> tuple[np.ndarray, list[LayerCache]]:
    """前向传播（函数复合）/ Forward pass as a composition of layers.

    Shapes: X (m, N_1); weights[l] (N_l, N_{l+1}); biases[l] (N_{l+1},) -> a^(L) (m, N_L).
    Returns the output and one cache per layer for :func:`mlp_backward`.
    """
    a = X
    caches = []
    for W, b, f in zip(weights, biases, activations, strict=True):
        z, dense_cache = dense_forward(a, W, b)
        a, act_cache = activation_forward(z, f)
        caches.append((dense_cache, act_cache))
    return a, caches


# ---- end given ----
# ---- given code (给定代码): backprop ----
def backprop(
    delta: np.ndarray, caches: Sequence[LayerCache]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """误差逐层反传 / The δ recursion, starting from δ^(L) = ∂J/∂z^(L) (m, N_L).

    Every δ is computed from the weights in the caches, i.e. the weights *before* any update.
    Returns (dW per layer, db per layer), shapes as the weights and biases.
    """
    n = len(caches)
    dWs: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    dbs: list[np.ndarray] = [None] * n  # type: ignore[list-item]
    for l in range(n - 1, -1, -1):
        da, dWs[l], dbs[l] = dense_backward(delta, caches[l][0])
        if l > 0:
            delta = activation_backward(da, caches[l - 1][1])
    return dWs, dbs


# ---- end given ----
# ---- given code (给定代码): mlp_backward ----
def mlp_backward(
    dout: np.ndarray, caches: Sequence[LayerCache]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """反向传播 / Backward pass from dout = ∂J/∂a^(L) (m, N_L).

    δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L)), then :func:`backprop`.
    """
    return backprop(activation_backward(dout, caches[-1][1]), caches)


# ---- end given ----
# ---- given code (给定代码): flatten ----
def flatten(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """按讲义顺序展平 / Concatenate arrays row-major into one vector (the slide's order)."""
    return np.concatenate([np.ravel(a) for a in arrays])


# ---- end given ----
# ---- given code (给定代码): unflatten ----
def unflatten(theta: np.ndarray, sizes: Sequence[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """讲义顺序的参数向量 → 各层 W、b / Split a slide-order vector into weights and biases.

    theta (P,) -> weights[l] (N_l, N_{l+1}) with W[j, i] = w_ji^(l), biases[l] (N_{l+1},).
    """
    weights, biases, start = [], [], 0
    for n_in, n_out in pairwise(sizes):
        weights.append(theta[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
        biases.append(theta[start : start + n_out])
        start += n_out
    return weights, biases


# ---- end given ----
# ---- given code (给定代码): parameter_names ----
def parameter_names(sizes: Sequence[int]) -> list[str]:
    """参数名，与讲义顺序一致 / Names of the flat vector's entries: w11^(1), …, b1^(2), ….

    ``wji^(l)`` goes from unit j of layer l to unit i of layer l+1; its bias is ``bi^(l+1)``.
    """

    def idx(*ks: int) -> str:
        return "".join(map(str, ks)) if max(ks) < 10 else ",".join(map(str, ks))

    names = []
    for l, (n_in, n_out) in enumerate(pairwise(sizes), start=1):
        names += [f"w{idx(j, i)}^({l})" for j in range(1, n_in + 1) for i in range(1, n_out + 1)]
        names += [f"b{i}^({l + 1})" for i in range(1, n_out + 1)]
    return names


# ---- end given ----
# ---- given code (给定代码): MLP ----
class MLP:
    """全连接前馈网络 / A fully connected feed-forward network.

    ``MLP([2, 2, 2], "sigmoid")`` is 例题1's network. ``activation`` is used in every layer
    unless ``output_activation`` names another for the last one; ``activations`` gives one per
    layer explicitly. Parameters: ``weights[l]`` of shape (N_l, N_{l+1}) with
    ``W[j, i] = w_ji`` (from unit j to unit i), ``biases[l]`` of shape (N_{l+1},).

    PyTorch: W is (inputs, outputs), the transpose of ``torch.nn.Linear.weight`` (out, in):
    ``net.weights[l] = linear.weight.detach().numpy().T``, ``net.biases[l] = linear.bias``.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str | None = None,
        *,
        activations: Sequence[str] | None = None,
        init: str = "uniform",
        seed: int | None = 0,
        dtype: np.dtype | type = np.float64,
    ) -> None:
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                bilingual(
                    f"层大小应至少两个正整数（输入层和输出层），实际为 {sizes}",
                    f"layer sizes need at least two positive integers (input, output), got {sizes}",
                )
            )
        n_layers = len(sizes) - 1
        if activations is None:
            activations = [activation] * (n_layers - 1) + [output_activation or activation]
        if len(activations) != n_layers:
            raise ValueError(
                bilingual(
                    f"需要 {n_layers} 个激活函数（每个非输入层一个），实际 {len(activations)} 个",
                    f"need {n_layers} activations (one per non-input layer), got {len(activations)}",
                )
            )
        self.sizes = sizes
        self.activations = [get_activation(a) for a in activations]
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        make = get_initializer(init)
        self.weights = [make(i, o, rng).astype(self.dtype) for i, o in pairwise(sizes)]
        self.biases = [np.zeros(o, dtype=self.dtype) for o in sizes[1:]]

    def __repr__(self) -> str:
        acts = [f.name for f in self.activations]
        return (
            f"MLP(sizes={self.sizes}, activations={acts}, dtype={self.dtype.name}, "
            f"n_params={self.n_params})"
        )

    # --- parameters -------------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """参数列表（引用）/ The parameter arrays in the slide's order: W^(1), b^(2), W^(2), …."""
        return [p for W, b in zip(self.weights, self.biases, strict=True) for p in (W, b)]

    @property
    def n_params(self) -> int:
        """参数个数 / Number of parameters."""
        return sum(p.size for p in self.params)

    def parameter_names(self) -> list[str]:
        """展平向量各项的名字 / Names of the flat vector's entries (w11^(1), …)."""
        return parameter_names(self.sizes)

    def get_flat(self) -> np.ndarray:
        """按讲义顺序展平所有参数 / All parameters as one vector in the slide's order."""
        return flatten(self.params)

    def set_flat(self, theta: Sequence[float] | np.ndarray) -> MLP:
        """从讲义顺序的向量读入参数 / Load all parameters from a vector in the slide's order."""
        theta = np.asarray(theta, dtype=self.dtype)
        if theta.ndim != 1 or theta.size != self.n_params:
            raise ShapeError(
                bilingual(
                    f"参数向量长度应为 {self.n_params}（网络 {self.sizes}），实际形状为 {theta.shape}",
                    f"the parameter vector must have length {self.n_params} for sizes "
                    f"{self.sizes}, got shape {theta.shape}",
                )
            )
        require_finite(theta, "theta")
        weights, biases = unflatten(theta, self.sizes)
        for p, new in zip(
            self.params,
            [x for pair in zip(weights, biases, strict=True) for x in pair],
            strict=True,
        ):
            p[...] = new
        return self

    @classmethod
    def from_flat(cls, sizes: Sequence[int], theta: Sequence[float], **kwargs: object) -> MLP:
        """由层大小和讲义顺序的参数向量建网络 / Build from sizes and a slide-order vector."""
        return cls(sizes, **kwargs).set_flat(theta)  # type: ignore[arg-type]

    def copy(self) -> MLP:
        """深拷贝 / A deep copy."""
        other = object.__new__(MLP)
        other.__dict__.update(self.__dict__)
        other.weights = [W.copy() for W in self.weights]
        other.biases = [b.copy() for b in self.biases]
        return other

    # --- forward / backward ------------------------------------------------------------
    def _inputs(self, X: np.ndarray) -> np.ndarray:
        X = as_2d(np.asarray(X, dtype=self.dtype), "X", n_cols=self.sizes[0])
        require_finite(X, "X")
        return X

    def forward(self, X: np.ndarray) -> tuple[np.ndarray, list[LayerCache]]:
        """前向传播 / Forward pass: X (m, N_1) -> (a^(L) (m, N_L), caches)."""
        return mlp_forward(self._inputs(X), self.weights, self.biases, self.activations)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """网络输出 h(x) = a^(L) / The network output, shape (m, N_L)."""
        return self.forward(X)[0]

    def backward(
        self, dout: np.ndarray, caches: Sequence[LayerCache]
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """反向传播 / Backward pass from ∂J/∂a^(L): returns (dW per layer, db per layer)."""
        return mlp_backward(dout, caches)

    def loss(
        self, X: np.ndarray, y: np.ndarray, loss: str | Loss = "mse", lam: float = 0.0
    ) -> tuple[float, list[np.ndarray]]:
        """目标函数值与全部梯度 / J and every gradient, in the order of :attr:`params`.

        J = (1/m) Σ_n l(y^(n), h(x^(n))) + λ/(2m) Σ w² (weights only), m = the rows of X.
        Where the output activation and the loss fuse (sigmoid + bce, softmax + ce)
        δ^(L) = (a^(L) − y)/m is taken directly from z^(L), which is exact and stable;
        'bce' needs a sigmoid output and 'ce' a softmax output (ValueError otherwise).
        """
        X = self._inputs(X)
        spec = get_loss(loss)
        require_output_activation(spec, self.activations[-1])
        out, caches = mlp_forward(X, self.weights, self.biases, self.activations)
        target = check_targets(out, y, spec)
        require_same_rows(X, target, "X", "y")
        require_finite(target, "y")
        J, delta = output_loss(spec, self.activations[-1], out, caches[-1][1][0], target)
        dWs, dbs = backprop(delta, caches)
        if lam:
            R, dR = weight_decay(self.weights, lam, X.shape[0])
            J += R
            dWs = [dW + d for dW, d in zip(dWs, dR, strict=True)]
        return J, [g for dW, db in zip(dWs, dbs, strict=True) for g in (dW, db)]


# ---- end given ----
