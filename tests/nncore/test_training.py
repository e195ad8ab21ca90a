"""训练循环 / The fit loop: determinism, early stopping, dtype, optimisers, digits accuracy."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

from nncore.data import load_digits, train_test_split, xor
from nncore.mlp import MLP
from nncore.optim import GradientDescent
from nncore.training import (
    accuracy,
    early_stopping_step,
    evaluate,
    fit,
    predict_labels,
    sgd_epoch,
)


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 3))
    return X, (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(float)


def test_training_is_deterministic_under_a_seed() -> None:
    X, y = _data()
    runs = []
    for _ in range(2):
        net = MLP([3, 6, 1], "tanh", "sigmoid", init="xavier", seed=4)
        h = fit(net, X, y, loss="bce", optimizer="momentum", lr=0.2, epochs=5, batch_size=16,
                val_split=0.25, seed=7)  # fmt: skip
        runs.append((net.get_flat(), h.loss, h.val_loss))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1:] == runs[1][1:]
    net = MLP([3, 6, 1], "tanh", "sigmoid", init="xavier", seed=4)
    fit(net, X, y, loss="bce", optimizer="momentum", lr=0.2, epochs=5, batch_size=16,
        val_split=0.25, seed=8)  # fmt: skip
    assert not np.array_equal(net.get_flat(), runs[0][0])


def test_early_stopping_step_rule() -> None:
    state = (np.inf, -1, 0)
    losses = [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76]
    stops = []
    for epoch, v in enumerate(losses):
        *state, stop = early_stopping_step(*state, v, epoch, patience=2)
        stops.append(stop)
    assert state[:2] == [0.7, 4]
    assert stops == [False, False, False, True, False, False, True]
    assert early_stopping_step(0.5, 3, 0, 0.49, 4, 5, min_delta=0.05) == (0.5, 3, 1, False)


def test_early_stopping_restores_the_best_epoch() -> None:
    """过拟合时停在验证损失最低处，且权重恢复到那一轮 / Weights come back from the best epoch."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 10))
    y = rng.integers(0, 2, 40).astype(float)  # pure noise: validation loss must turn up
    Xv = rng.normal(size=(200, 10))
    yv = rng.integers(0, 2, 200).astype(float)
    net = MLP([10, 40, 1], "tanh", "sigmoid", init="xavier", seed=0)
    h = fit(net, X, y, loss="bce", optimizer="momentum", lr=0.3, epochs=200, batch_size=8,
            validation=(Xv, yv), patience=5, seed=0)  # fmt: skip
    assert h.stopped_epoch is not None and h.stopped_epoch < 199
    assert h.best_epoch == int(np.argmin(h.val_loss))
    assert h.stopped_epoch == h.best_epoch + 5
    J, _ = evaluate(net, Xv, yv, loss="bce")
    assert J == pytest.approx(min(h.val_loss), rel=1e-12)


def test_sgd_epoch_full_batch_equals_one_gradient_step() -> None:
    X, y = xor()
    net = MLP([2, 3, 1], "sigmoid", seed=1)
    ref = net.copy()
    J, grads = ref.loss(X, y, "mse", 0.1)
    GradientDescent(0.5).step(ref.params, grads)
    mean = sgd_epoch(net, X, y, loss="mse", optimizer=GradientDescent(0.5), batch_size=4, lam=0.1)
    assert mean == pytest.approx(J)
    np.testing.assert_allclose(net.get_flat(), ref.get_flat())


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "momentum"])
def test_float32_end_to_end(optimizer: str) -> None:
    X, y = _data()
    net = MLP([3, 5, 1], "relu", "sigmoid", init="he")
    h = fit(net, X, y, loss="bce", optimizer=optimizer, lr=0.1, epochs=2, lam=0.01,
            dtype=np.float32, val_split=0.2)  # fmt: skip
    assert all(p.dtype == np.float32 for p in net.params)
    _, grads = net.loss(X.astype(np.float32), y, "bce", 0.01)
    assert all(g.dtype == np.float32 for g in grads)
    assert len(h.loss) == len(h.accuracy) == len(h.val_accuracy) == 2


def test_fit_lowers_loss_and_reports_history() -> None:
    X, y = _data(1)
    net = MLP([3, 8, 1], "tanh", "sigmoid", init="xavier")
    h = fit(net, X, y, loss="bce", optimizer="momentum", lr=0.3, epochs=30, lam=1e-3)
    assert h.loss[-1] < h.loss[0]
    assert h.accuracy[-1] > 0.8
    assert set(h.to_dict()) >= {"loss", "accuracy", "val_loss", "best_epoch"}


def test_metrics() -> None:
    assert list(predict_labels(np.array([[0.2], [0.7]]))) == [0, 1]
    out = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert accuracy(out, np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(out, np.eye(2)[[1, 0, 1]]) == 1.0


def test_divergence_is_reported() -> None:
    X, y = _data()
    net = MLP([3, 4, 1], "identity", seed=0)
    with pytest.raises(FloatingPointError, match="学习率"), np.errstate(all="ignore"):
        fit(net, X * 1e3, y, loss="mse", lr=10.0, epochs=50)


def test_progress_display_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = _data()
    monkeypatch.setitem(sys.modules, "rich.progress", None)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    training = importlib.import_module("nncore.training")
    net = MLP([3, 4, 1], "tanh", "sigmoid")
    h = training.fit(net, X, y, loss="bce", epochs=2, progress=True)
    assert len(h.loss) == 2


def test_embedded_digits_ten_classes_at_least_95_percent() -> None:
    """内置 8×8 数字、10 类、留出测试集准确率 ≥ 95%（几秒内）/ ≥ 95 % held out, in seconds."""
    X, y = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test=0.25, seed=0, stratify=True)
    net = MLP([64, 100, 10], "sigmoid", "softmax", init="xavier", seed=0, dtype=np.float32)
    fit(net, X_tr, y_tr, loss="ce", optimizer="momentum", lr=0.5, epochs=30, batch_size=32,
        lam=1e-3, seed=0, track_accuracy=False)  # fmt: skip
    assert accuracy(net.predict(X_te), y_te) >= 0.95
