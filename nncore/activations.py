"""激活函数及其导数 / Activation functions and their derivatives.

Every function works element-wise on an array ``z`` of any shape (softmax: along the last
axis) and returns an array of the same shape. Float32 input stays float32.

讲义记号 / lecture notation: ``a = f(z)``, and backpropagation needs ``f'(z)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nncore._checks import bilingual


def _as_float(z: np.ndarray) -> np.ndarray:
    """整数转为 float64，浮点保持原精度 / Integers become float64, floats keep their dtype."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)  # kind "f" = np.floating


def step(z: np.ndarray) -> np.ndarray:
    """单极性阈值函数 / Unipolar threshold: f(t) = 1 if t ≥ 0 else 0."""
    z = _as_float(z)
    return (z >= 0).astype(z.dtype)


def sign(z: np.ndarray) -> np.ndarray:
    """双极性阈值函数 sgn / Bipolar threshold: f(t) = 1 if t ≥ 0 else −1 (sgn(0) = 1, as on the slide)."""
    z = _as_float(z)
    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Sigmoid 函数（数值稳定）/ Numerically stable sigmoid: σ(t) = 1 / (1 + e^{−t}).

    Uses e^{−|t|} only, so nothing overflows even at |t| = 1e4.
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """Sigmoid 的导数 / σ'(t) = σ(t)(1 − σ(t)); never larger than 0.25."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    """双曲正切 / tanh(t) = (e^t − e^{−t}) / (e^t + e^{−t}) = 2σ(2t) − 1.

    讲义勘误 / erratum: the slide calls 2σ(t) − 1 "tanh"; in fact 2σ(t) − 1 = tanh(t/2).
    """
    return np.tanh(_as_float(z))


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """tanh 的导数 / tanh'(t) = 1 − tanh²(t)."""
    t = tanh(z)
    return 1 - t * t


def relu(z: np.ndarray) -> np.ndarray:
    """ReLU / f(t) = max(0, t)."""
    z = _as_float(z)
    return np.maximum(z, 0).astype(z.dtype)


def relu_derivative(z: np.ndarray) -> np.ndarray:
    """ReLU 的导数 / f'(t) = 1 if t > 0 else 0 (we take 0 at t = 0)."""
    z = _as_float(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU / f(t) = t if t > 0 else slope·t."""
    z = _as_float(z)
    return np.where(z > 0, z, slope * z).astype(z.dtype)


def leaky_relu_derivative(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU 的导数 / f'(t) = 1 if t > 0 else slope."""
    z = _as_float(z)
    return np.where(z > 0, 1.0, slope).astype(z.dtype)


def identity(z: np.ndarray) -> np.ndarray:
    """恒等（线性输出）/ Identity (linear output unit): f(t) = t, as in 例题2."""
    return _as_float(z)


def identity_derivative(z: np.ndarray) -> np.ndarray:
    """恒等函数的导数 / f'(t) = 1."""
    return np.ones_like(_as_float(z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax（沿最后一维，数值稳定）/ Stable softmax along the last axis.

    a_k = exp(z_k − max z) / Σ_i exp(z_i − max z); shape (m, K) -> (m, K).
    """
    z = _as_float(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Softmax 的雅可比-向量积 / Jacobian-vector product of softmax.

    ∂J/∂z_k = a_k (∂J/∂a_k − Σ_i a_i ∂J/∂a_i); shapes (m, K), (m, K) -> (m, K).
    """
    return a * (da - np.sum(da * a, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """一个激活函数：值、导数和反向传播 / One activation: value, derivative, backward.

    ``derivative`` is None for the threshold functions: their derivative is 0 almost
    everywhere and undefined at 0, so it carries no learning signal. The perceptron learning
    rule does not need one, and backpropagation through them is refused with a clear error.
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray] | None
    elementwise: bool = True

    def backward(self, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """∂J/∂z from ∂J/∂a: δ = ∂J/∂a ⊙ f'(z) (softmax: its Jacobian-vector product)."""
        if not self.elementwise:
            return softmax_backward(da, a)
        if self.derivative is None:
            raise ValueError(
                bilingual(
                    f"阈值函数 {self.name} 的导数几乎处处为 0、在 0 处不存在，不能用于反向传播；"
                    "请改用 sigmoid/tanh/relu，或用感知机学习规则",
                    f"the threshold function {self.name} has derivative 0 almost everywhere and "
                    "none at 0, so it cannot be backpropagated through; use sigmoid/tanh/relu, "
                    "or the perceptron learning rule",
                )
            )
        return da * self.derivative(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("step", step, None),
        Activation("sign", sign, None),
        Activation("sigmoid", sigmoid, sigmoid_derivative),
        Activation("tanh", tanh, tanh_derivative),
        Activation("relu", relu, relu_derivative),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
        Activation("identity", identity, identity_derivative),
        Activation("softmax", softmax, None, elementwise=False),
    )
}
ALIASES = {"linear": "identity", "logistic": "sigmoid", "threshold": "step", "sgn": "sign"}


def get_activation(name: str | Activation) -> Activation:
    """按名字取激活函数 / Look an activation up by name (or pass one through)."""
    if isinstance(name, Activation):
        return name
    key = ALIASES.get(str(name).lower(), str(name).lower())
    if key not in ACTIVATIONS:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(
            bilingual(
                f"未知的激活函数 {name!r}；可用：{known}",
                f"unknown activation {name!r}; known: {known}",
            )
        )
    return ACTIVATIONS[key]
