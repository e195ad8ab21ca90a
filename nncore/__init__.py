"""nncore：讲义《神经网络与反向传播》的参考实现（只依赖 numpy）。

nncore: the reference implementation of the lecture on neural networks and backpropagation
(numpy only). Functional forward/backward pairs in the lecture's notation (z^(l), a^(l),
δ^(l), w_ji from unit j to unit i) with a small class API on top.

>>> from nncore import MLP
>>> net = MLP.from_flat([2, 2, 2], [0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.5, 0.8, 0.3, 0.5, 0.5])
>>> round(float(net.predict([[0.4, 0.6]])[0, 0]), 4)
0.8166
"""

from nncore.activations import ACTIVATIONS, get_activation
from nncore.gradcheck import gradcheck_model, numerical_gradient, relative_error
from nncore.layers import activation_backward, activation_forward, dense_backward, dense_forward
from nncore.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    get_loss,
    half_squared_error,
    softmax_cross_entropy,
    weight_decay,
)
from nncore.mlp import MLP, backprop, mlp_backward, mlp_forward
from nncore.neurons import TLU, LogisticRegression, Perceptron
from nncore.optim import GradientDescent, Momentum, gradient_descent_update, momentum_update

__version__ = "0.1.0"
__all__ = [
    "ACTIVATIONS",
    "MLP",
    "TLU",
    "GradientDescent",
    "LogisticRegression",
    "Momentum",
    "Perceptron",
    "activation_backward",
    "activation_forward",
    "backprop",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "dense_backward",
    "dense_forward",
    "get_activation",
    "get_loss",
    "gradcheck_model",
    "gradient_descent_update",
    "half_squared_error",
    "mlp_backward",
    "mlp_forward",
    "momentum_update",
    "numerical_gradient",
    "relative_error",
    "softmax_cross_entropy",
    "weight_decay",
]
