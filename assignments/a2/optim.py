"""参数更新：梯度下降 / Parameter updates: gradient descent.

所有参数同时更新：梯度都在旧参数处算出，返回新数组，不修改传入的数组。
All parameters are updated simultaneously from gradients computed at the old parameters; return
new arrays and never modify the caller's arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def gradient_descent_update(
    params: Sequence[np.ndarray], grads: Sequence[np.ndarray], lr: float
) -> list[np.ndarray]:
    """梯度下降 / Gradient descent: W := W − α ∂J/∂W,  b := b − α ∂J/∂b.

    ``grads`` 是平均后的 J = (1/m) Σ_n J_n 的梯度 / are gradients of the averaged J.
    形状 / Shapes: grads[k] 与 params[k] 相同 / as params[k] -> 新参数列表 / list of new arrays.
    """
    raise NotImplementedError('请实现 gradient_descent_update（约 1 行）/ implement gradient_descent_update (about 1 lines)')
