"""激活函数及其导数 / Activation functions and their derivatives.

讲义记号 / Lecture notation: a neuron computes z = Σ_j w_j x_j + b and outputs a = f(z);
backpropagation needs the derivative f'(z).

每个函数逐元素作用于任意形状的数组 z，返回同形状数组；整数输入先转为 float64，浮点输入保持精度。
Every function works element-wise on an array ``z`` of any shape and returns an array of the
same shape. Integer input becomes float64; float input keeps its dtype (use ``_as_float``).
"""

from __future__ import annotations

import numpy as np


# ---- given code (给定代码): _as_float ----
def _as_float(z: np.ndarray) -> np.ndarray:
    """整数转为 float64，浮点保持原精度 / Integers become float64, floats keep their dtype."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)  # kind "f" = np.floating


# ---- end given ----


def step(z: np.ndarray) -> np.ndarray:
    """单极性阈值函数 / Unipolar threshold function.

    f(t) = 1 若 t ≥ 0，否则 0 / f(t) = 1 if t ≥ 0 else 0.
    形状 / Shape: z (任意 / any) -> 同形状 / same shape, dtype 同 ``_as_float(z)``.
    阈值函数没有有用的导数（几乎处处为 0，0 处不存在），所以这里没有 step_derivative。
    Threshold functions have no useful derivative, so there is no ``step_derivative``.
    """
    raise NotImplementedError('请实现 step（约 2 行）/ implement step (about 2 lines)')


def sign(z: np.ndarray) -> np.ndarray:
    """双极性阈值函数 sgn / Bipolar threshold function sgn.

    f(t) = 1 若 t ≥ 0，否则 −1（与讲义一致 sgn(0) = 1）/ f(t) = 1 if t ≥ 0 else −1
    (sgn(0) = 1, as on the slide; note that ``np.sign(0) = 0``).
    形状 / Shape: z (任意 / any) -> 同形状 / same shape.
    """
    raise NotImplementedError('请实现 sign（约 2 行）/ implement sign (about 2 lines)')


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Sigmoid（逻辑）函数，须数值稳定 / The sigmoid (logistic) function, numerically stable.

    σ(t) = 1 / (1 + e^{−t}).
    提示：只计算 e^{−|t|}，分 t ≥ 0 与 t < 0 两种情形，这样 |t| = 1e4 也不会溢出。
    Hint: compute only e^{−|t|} and treat t ≥ 0 and t < 0 separately, so nothing overflows
    even at |t| = 1e4 (no RuntimeWarning).
    形状 / Shape: z (任意 / any) -> 同形状 / same shape, values in [0, 1].
    """
    raise NotImplementedError('请实现 sigmoid（约 3 行）/ implement sigmoid (about 3 lines)')


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """Sigmoid 的导数 / Derivative of the sigmoid.

    σ'(t) = σ(t) (1 − σ(t))，且 σ'(t) ≤ 0.25 / σ'(t) = σ(t)(1 − σ(t)) ≤ 0.25.
    与 sigmoid 一样须数值稳定：|t| = 1e4 也不得溢出或告警（用你稳定的 sigmoid）。
    Numerically stable like sigmoid: no overflow or RuntimeWarning even at |t| = 1e4 (use
    your stable sigmoid).
    形状 / Shape: z (任意 / any) -> 同形状 / same shape.
    """
    raise NotImplementedError('请实现 sigmoid_derivative（约 2 行）/ implement sigmoid_derivative (about 2 lines)')


def tanh(z: np.ndarray) -> np.ndarray:
    """双曲正切 / Hyperbolic tangent.

    tanh(t) = (e^t − e^{−t}) / (e^t + e^{−t}) = 2σ(2t) − 1.
    讲义勘误：讲义称 2σ(t) − 1 为 tanh，实际上 2σ(t) − 1 = tanh(t/2)。
    Erratum: the slide calls 2σ(t) − 1 "tanh"; in fact 2σ(t) − 1 = tanh(t/2).
    形状 / Shape: z (任意 / any) -> 同形状 / same shape, values in [−1, 1].
    """
    raise NotImplementedError('请实现 tanh（约 1 行）/ implement tanh (about 1 lines)')


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """tanh 的导数 / Derivative of tanh: tanh'(t) = 1 − tanh²(t).

    形状 / Shape: z (任意 / any) -> 同形状 / same shape.
    """
    raise NotImplementedError('请实现 tanh_derivative（约 2 行）/ implement tanh_derivative (about 2 lines)')


def relu(z: np.ndarray) -> np.ndarray:
    """ReLU（修正线性单元）/ Rectified linear unit: f(t) = max(0, t).

    形状 / Shape: z (任意 / any) -> 同形状 / same shape, same dtype as ``_as_float(z)``.
    """
    raise NotImplementedError('请实现 relu（约 2 行）/ implement relu (about 2 lines)')


def relu_derivative(z: np.ndarray) -> np.ndarray:
    """ReLU 的导数 / Derivative of ReLU: f'(t) = 1 若 t > 0，否则 0 / 1 if t > 0 else 0.

    在 t = 0 处取 0 / take 0 at t = 0. 形状 / Shape: z -> 同形状 / same shape.
    """
    raise NotImplementedError('请实现 relu_derivative（约 2 行）/ implement relu_derivative (about 2 lines)')


def leaky_relu(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU: f(t) = t 若 t > 0，否则 slope·t / t if t > 0 else slope·t.

    形状 / Shape: z (任意 / any) -> 同形状 / same shape; ``slope`` 为负半轴斜率 /
    the slope on the negative half-axis.
    """
    raise NotImplementedError('请实现 leaky_relu（约 2 行）/ implement leaky_relu (about 2 lines)')


def leaky_relu_derivative(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU 的导数 / Derivative: f'(t) = 1 若 t > 0，否则 slope / 1 if t > 0 else slope.

    形状 / Shape: z (任意 / any) -> 同形状 / same shape.
    """
    raise NotImplementedError('请实现 leaky_relu_derivative（约 2 行）/ implement leaky_relu_derivative (about 2 lines)')
