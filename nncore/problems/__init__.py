"""讲义 §5 的问题，实测 / The lecture's deep-network problems (§5 问题分析), measured.

- :mod:`~nncore.problems.vanishing` — 梯度消失: per-layer gradient norms vs depth and
  activation, with residual connections as the cure;
- :mod:`~nncore.problems.momentum` — 局部最优/鞍点: momentum vs plain GD on a ravine, a saddle
  and a network;
- :mod:`~nncore.problems.depth_width` — 加深优于加宽: depth vs width at equal parameter count;
- :mod:`~nncore.problems.pretraining` — 预训练: DAE pre-training + fine-tuning vs random
  initialisation on a small labelled split.

Every function returns plain JSON-ready dicts/lists; plotting lives in :mod:`nncore.plotting`.
"""

from nncore.problems.depth_width import depth_vs_width, equal_param_architectures, param_count
from nncore.problems.momentum import (
    descend,
    momentum_vs_gd_2d,
    momentum_vs_gd_network,
    ravine,
    saddle,
)
from nncore.problems.pretraining import pretraining_vs_random
from nncore.problems.vanishing import (
    layer_gradient_norms,
    residual_gradient_norms,
    vanishing_table,
)

__all__ = [
    "depth_vs_width",
    "descend",
    "equal_param_architectures",
    "layer_gradient_norms",
    "momentum_vs_gd_2d",
    "momentum_vs_gd_network",
    "param_count",
    "pretraining_vs_random",
    "ravine",
    "residual_gradient_norms",
    "saddle",
    "vanishing_table",
]
