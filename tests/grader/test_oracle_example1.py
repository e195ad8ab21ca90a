"""例题1 oracle 与 nncore 的独立计算一致 / The 例题1 oracle equals nncore to 1e-12."""

from __future__ import annotations

import numpy as np

from grader.suites import oracles
from nncore.examples.example1 import example1_model
from nncore.examples.slide_values import EXAMPLE1_ALPHA, EXAMPLE1_X, EXAMPLE1_Y
from nncore.optim import gradient_descent_update


def test_example1_oracle_equals_nncore() -> None:
    """前向值、梯度、更新 / Forward values, gradients and the update agree to 1e-12."""
    ex = oracles.example1()
    model = example1_model()
    X, Y = np.array([EXAMPLE1_X]), np.array([EXAMPLE1_Y])
    out, caches = model.forward(X)
    np.testing.assert_allclose(caches[0][1][1][0], ex["h"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(out[0], ex["outputs"], rtol=0, atol=1e-12)
    J, grads = model.loss(X, Y, "mse")
    assert abs(J - ex["J"]) < 1e-12
    flat = np.concatenate([g.ravel() for g in grads])
    np.testing.assert_allclose(flat, ex["grad_flat"], rtol=0, atol=1e-12)
    new = np.concatenate(
        [p.ravel() for p in gradient_descent_update(model.params, grads, EXAMPLE1_ALPHA)]
    )
    np.testing.assert_allclose(new, ex["updated_flat"], rtol=0, atol=1e-12)


def test_example1_slide_second_layer_and_erratum() -> None:
    """讲义第二层数值成立，第一层数值不成立 / Slide's 2nd-layer values hold, 1st-layer don't."""
    ex = oracles.example1()
    assert round(ex["updated"]["w11^(2)"], 4) == 0.6979
    assert round(ex["updated"]["w11^(1)"], 4) != 0.2053
