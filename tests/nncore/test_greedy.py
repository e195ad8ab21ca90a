"""精简的 DAE 逐层预训练与库的循环完全相同 / The lean DAE pre-training loop equals the library's.

:func:`nncore.problems.greedy.pretrain_daes` re-writes the per-batch work of
:func:`nncore.autoencoder.pretrain_layers` without the generic ``fit``; the experiments and the
grader's a4.pretraining reference rely on the results being array-equal (the same random
numbers in the same order, the same operations).
"""

from __future__ import annotations

import numpy as np
import pytest

from nncore import autoencoder as AE
from nncore.problems import greedy


def _data(m: int, n: int, dtype: type = np.float64) -> np.ndarray:
    return np.random.default_rng(m + n).random((m, n)).astype(dtype)


def _equal(lean: tuple[list, list], plain: tuple[list, list]) -> None:
    assert len(lean[0]) == len(plain[0])
    for got, want in zip(lean[0] + lean[1], plain[0] + plain[1], strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("m", "sizes", "kw"),
    [
        (70, [12, 7, 4], {"noise": 0.3, "epochs": 3, "batch_size": 16, "seed": 5}),
        (33, [9, 5], {"noise": 0.0, "epochs": 2, "batch_size": 32, "lr": 0.5, "seed": 0}),
        (40, [8, 6, 3], {"noise": 0.5, "epochs": 1, "batch_size": 7, "seed": 11}),
    ],
)
def test_pretrain_daes_equals_pretrain_layers(m: int, sizes: list[int], kw: dict) -> None:
    """DAE：批大小不整除、无噪声、多层都完全相同 / Identical, ragged last batch and no noise too."""
    X = _data(m, sizes[0])
    _equal(greedy.pretrain_daes(X, sizes, **kw), AE.pretrain_layers(X, sizes, **kw))


def test_pretrain_daes_float32_and_fallbacks() -> None:
    """float32 数据与非 sigmoid / λ > 0 的回退 / float32 data, and the library fallbacks."""
    X = _data(50, 10, np.float32)
    kw = {"epochs": 2, "batch_size": 16, "seed": 3}
    _equal(greedy.pretrain_daes(X, [10, 6], **kw), AE.pretrain_layers(X, [10, 6], **kw))
    for extra in ({"activation": "tanh"}, {"lam": 0.01}):
        kw2 = kw | extra
        _equal(greedy.pretrain_daes(X, [10, 6], **kw2), AE.pretrain_layers(X, [10, 6], **kw2))


def test_pretrainers_change_with_training() -> None:
    """预训练器真的训练了 / The pretrainers return trained encoders (not the initial weights)."""
    X = _data(64, 10)
    for make in (greedy.dae_pretrainer(epochs=2), greedy.rbm_pretrainer(epochs=2)):
        W, b = make(X, [10, 6, 3], 0)
        assert [w.shape for w in W] == [(10, 6), (6, 3)]
        assert all(np.any(v != 0) for v in b)


def test_unknown_argument_is_refused() -> None:
    """参数与库相同：未知参数报 TypeError / The library's parameters: an unknown one is refused."""
    X = _data(20, 6)
    with pytest.raises(TypeError):
        greedy.pretrain_daes(X, [6, 3], epoch=2)
