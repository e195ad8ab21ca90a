"""训练循环：小批量 SGD、权值衰减、验证集与早停 / The fit loop: mini-batch SGD, weight decay,
validation and early stopping.

记号 / notation: m 个样本 / samples, 小批量 B / mini-batch B, 学习率 α, 权值衰减 λ.
一轮（epoch）按随机顺序恰好访问每个样本一次；对每个小批量
θ := θ − α ∂J_B/∂θ，其中 J_B = (1/|B|) Σ_{n∈B} l(y^(n), h(x^(n))) + λ/(2m) Σ w²（m 为训练样本数 / m = the training-set size）。
One epoch visits every sample once in a random order; for each batch θ := θ − α ∂J_B/∂θ.

a3 的内容，全部给定 / From a3, all given: :func:`fit` strings :func:`sgd_epoch` and
:func:`early_stopping_step` together and records a :class:`History`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np
from checks import ShapeError, bilingual, require_same_rows
from data import split_indices
from losses import check_targets, get_loss, output_loss, require_output_activation
from optim import GradientDescent, Momentum, get_optimizer, minibatches


# ---- given code (给定代码): Model ----
class Model(Protocol):
    """训练循环需要的模型接口 / What the fit loop needs from a model (an MLP satisfies it)."""

    params: list[np.ndarray]

    def loss(
        self, X: np.ndarray, y: np.ndarray, loss: str = ..., lam: float = ...
    ) -> tuple[float, list[np.ndarray]]: ...


# ---- end given ----


# ---- given code (给定代码): sgd_epoch ----
def sgd_epoch(
    model: Model,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: str = "mse",
    optimizer: GradientDescent | Momentum,
    batch_size: int = 32,
    lam: float = 0.0,
    rng: np.random.Generator | None = None,
) -> float:
    """一轮小批量随机梯度下降 / One epoch of mini-batch stochastic gradient descent.

    Shapes: X (m, N_1), y (m, N_L) or labels (m,). The samples are visited in the order
    ``rng.permutation(m)`` (in order when ``rng`` is None), ``batch_size`` at a time; for each
    batch B the gradients of J_B (including λ/(2m) Σ w², i.e. ``model.loss`` with
    λ·|B|/m, because ``model.loss`` scales λ by its own row count |B|) are computed at the
    current parameters and ``optimizer.step`` updates them in place. ``batch_size >= m`` is
    plain (full-batch) gradient descent.

    Returns the mean of the batch losses J_B weighted by |B|, i.e. the average training loss
    seen during the epoch.
    """
    m = X.shape[0]
    total = 0.0
    for idx in minibatches(m, batch_size, rng):
        J, grads = model.loss(X[idx], y[idx], loss, lam * idx.size / m)
        optimizer.step(model.params, grads)
        total += J * idx.size
    return total / m


# ---- end given ----


# ---- given code (给定代码): early_stopping_step ----
def early_stopping_step(
    best_loss: float,
    best_epoch: int,
    wait: int,
    val_loss: float,
    epoch: int,
    patience: int,
    min_delta: float = 0.0,
) -> tuple[float, int, int, bool]:
    """早停规则的一步 / One step of early stopping with patience.

    If ``val_loss < best_loss − min_delta`` the epoch is the new best: returns
    ``(val_loss, epoch, 0, False)``. Otherwise the wait counter grows by one and training
    stops once it reaches ``patience``: returns ``(best_loss, best_epoch, wait + 1,
    wait + 1 >= patience)``. Start with ``best_loss = inf, best_epoch = -1, wait = 0``.
    The caller keeps a copy of the parameters of ``best_epoch`` and restores them at the end.
    """
    if val_loss < best_loss - min_delta:
        return val_loss, epoch, 0, False
    wait += 1
    return best_loss, best_epoch, wait, wait >= patience


# ---- end given ----


# ---- given code (给定代码): predict_labels ----
def predict_labels(out: np.ndarray) -> np.ndarray:
    """网络输出转为类别 / Class labels from outputs (m, K): K = 1 -> a ≥ 0.5, else argmax."""
    out = np.asarray(out)
    if out.ndim == 1 or out.shape[1] == 1:
        return (out.reshape(-1) >= 0.5).astype(np.int64)
    return out.argmax(axis=1)


# ---- end given ----
# ---- given code (给定代码): accuracy ----
def accuracy(out: np.ndarray, y: np.ndarray) -> float:
    """准确率 / Accuracy: the fraction of samples whose predicted class equals the target.

    ``out`` (m, K) network outputs; ``y`` labels (m,), binary targets (m, 1) or one-hot (m, K).
    """
    y = np.asarray(y)
    target = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)
    return float(np.mean(predict_labels(out) == target.astype(np.int64)))


# ---- end given ----
# ---- given code (给定代码): evaluate ----
def evaluate(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    loss: str = "mse",
    lam: float = 0.0,
    m: int | None = None,
) -> tuple[float, float | None]:
    """评估（不求梯度）/ Loss J (with λ/(2m) Σ w²) and accuracy on (X, y), forward pass only.

    J is computed exactly as :meth:`MLP.loss` computes it (from z^(L) for sigmoid + bce and
    softmax + ce), so both agree on the same data. ``m`` is the sample count that scales the
    weight decay: ``fit`` passes the training-set size so that ``val_loss`` and
    ``History.loss`` carry the same λ/(2m) Σ w² (default: the rows of X).
    Accuracy is None for 'mse' (regression).
    """
    spec = get_loss(loss)
    if hasattr(model, "forward") and hasattr(model, "activations"):
        out, caches = model.forward(X)
        target = check_targets(out, y, spec)
        J = output_loss(spec, model.activations[-1], out, caches[-1][1][0], target)[0]
    else:  # any other model: the loss on its output a^(L)
        out = model.predict(X)
        J = spec.fn(out, check_targets(out, y, spec))[0]
    if lam:
        J += lam / (2 * (m or out.shape[0])) * sum(float(np.sum(W * W)) for W in model.weights)
    return J, (None if spec.name == "mse" else accuracy(out, y))


# ---- end given ----
# ---- given code (给定代码): History ----
@dataclass
class History:
    """训练记录（每轮一项）/ Per-epoch record of a run.

    ``loss``: mean training batch loss of the epoch; ``accuracy``: training accuracy after the
    epoch (classification only); ``val_loss`` / ``val_accuracy``: on the validation data.
    ``best_epoch`` (0-based) is the epoch whose weights the model holds at the end when early
    stopping is on; ``stopped_epoch`` is the last epoch run.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON 友好的字典 / A JSON-ready dict."""
        return asdict(self)


# ---- end given ----
# ---- given code (给定代码): _stdout_is_terminal ----
def _stdout_is_terminal() -> bool:
    return bool(getattr(sys.stdout, "isatty", lambda: False)())


# ---- end given ----
# ---- given code (给定代码): _progress ----
@contextmanager
def _progress(total: int, enabled: bool | None) -> Iterator[Callable[[str], None]]:
    """进度条（rich 或 tqdm，可选）/ A progress bar from rich or tqdm when enabled and present.

    ``enabled=None`` shows it only when stdout is a terminal. Yields ``advance(text)``.
    """
    if enabled is None:
        enabled = _stdout_is_terminal()
    if enabled:
        try:
            from rich.progress import Progress
        except ImportError:
            pass
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("训练 / training", total=total)
                yield lambda text: bar.update(task, advance=1, description=text)
            return
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            with tqdm(total=total, leave=False) as bar:
                yield lambda text: (bar.set_description(text), bar.update(1))
            return
    yield lambda text: None


# ---- end given ----
# ---- given code (给定代码): cast_model ----
def cast_model(model: Any, dtype: np.dtype | type) -> Any:
    """把模型参数转换为 dtype / Convert an MLP's weights and biases to ``dtype`` (float32/64)."""
    dtype = np.dtype(dtype)
    if getattr(model, "dtype", None) != dtype:
        model.weights = [W.astype(dtype) for W in model.weights]
        model.biases = [b.astype(dtype) for b in model.biases]
        model.dtype = dtype
    return model


# ---- end given ----
# ---- given code (给定代码): fit ----
def fit(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: str = "mse",
    optimizer: str | GradientDescent | Momentum = "sgd",
    lr: float = 0.1,
    beta: float = 0.9,
    epochs: int = 10,
    batch_size: int = 32,
    lam: float = 0.0,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    val_split: float = 0.0,
    patience: int | None = None,
    min_delta: float = 0.0,
    seed: int | None = 0,
    dtype: np.dtype | type | None = None,
    progress: bool | None = False,
    track_accuracy: bool = True,
    fast: bool = True,
) -> History:
    """训练模型 / Train ``model`` in place with mini-batch SGD; returns the :class:`History`.

    Args:
        model: an :class:`nncore.mlp.MLP` (anything with ``params``, ``loss``, ``predict``).
        X, y: training data, X (m, N_1); y (m, N_L), binary (m,) or labels (m,) for 'ce'.
        loss: 'mse' (½‖h−y‖²), 'bce' or 'ce'. lam: weight decay λ (J += λ/(2m) Σ w²).
        optimizer: 'gd' (full batch, ``batch_size`` ignored), 'sgd', 'momentum' (β = beta),
            or an optimizer object. lr: learning rate α.
        validation: (X_val, y_val), or ``val_split`` > 0 to hold out that seeded fraction of X.
        patience: stop after this many epochs without improvement of the validation loss
            (the training loss when there is no validation data) and restore the best
            epoch's weights; None trains all ``epochs``.
        seed: seeds the shuffling (and the split); the same seed gives the same run.
        dtype: cast the model and the data to float32/float64 first (default: model.dtype).
        progress: True/False, or None for "only when stdout is a terminal" (rich or tqdm).
        track_accuracy: record training accuracy (one extra forward pass per epoch).
        fast: use the library's fast path (``nncore.fastpath``, tested equal to
            :func:`sgd_epoch` up to float rounding) for an :class:`~nncore.mlp.MLP`; it
            keeps the parameters in one flat vector, so ``model.weights``/``biases`` are
            views of it afterwards (read them from the model, not from arrays taken
            before). False always calls :func:`sgd_epoch`.

    The data are checked once: X must be 2-D with at least one sample and as many rows as y
    (ShapeError otherwise); 'bce' needs a sigmoid output and 'ce' a softmax output.
    ``History.loss`` and ``val_loss`` both include λ/(2m) Σ w² with m = the training-set
    size. A non-finite training or validation loss stops with a FloatingPointError.
    """
    if dtype is not None:
        cast_model(model, dtype)
    model_dtype = getattr(model, "dtype", np.float64)
    X = np.asarray(X, dtype=model_dtype)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ShapeError(
            bilingual(
                f"fit 需要至少一个样本的二维 X (m, N_1)，实际形状为 {X.shape}",
                f"fit needs a 2-D X (m, N_1) with at least one sample, got shape {X.shape}",
            )
        )
    require_same_rows(X, y, "X", "y")
    if hasattr(model, "activations"):
        require_output_activation(get_loss(loss), model.activations[-1])
    rng = np.random.default_rng(seed)
    if validation is None and val_split > 0:
        tr, va, _ = split_indices(X.shape[0], val=val_split, test=0.0, seed=seed)
        validation = (X[va], y[va])
        X, y = X[tr], y[tr]
    if validation is not None:
        validation = (np.asarray(validation[0], dtype=model_dtype), np.asarray(validation[1]))
        require_same_rows(*validation, "X_val", "y_val")
    if isinstance(optimizer, str):
        if optimizer == "gd":
            batch_size = X.shape[0]
        optimizer = get_optimizer(optimizer, lr, beta)
    engine = None
    if fast:
        engine = _fast_engine(
            model, X, y, loss=loss, optimizer=optimizer, batch_size=batch_size, lam=lam
        )
    classify = get_loss(loss).name != "mse"

    history = History()
    best_loss, best_epoch, wait = np.inf, -1, 0
    best_params: Sequence[np.ndarray] | None = None
    with _progress(epochs, progress) as advance:
        for epoch in range(epochs):
            if engine is not None:
                train_loss = engine.run(rng)
            else:
                train_loss = sgd_epoch(
                    model, X, y, loss=loss, optimizer=optimizer, batch_size=batch_size, lam=lam,
                    rng=rng,
                )  # fmt: skip
            history.loss.append(train_loss)
            if classify and track_accuracy:
                history.accuracy.append(accuracy(model.predict(X), y))
            monitored = train_loss
            if validation is not None:
                val_loss, val_acc = evaluate(model, *validation, loss=loss, lam=lam, m=X.shape[0])
                history.val_loss.append(val_loss)
                if val_acc is not None:
                    history.val_accuracy.append(val_acc)
                monitored = val_loss
            history.stopped_epoch = epoch
            advance(f"epoch {epoch + 1}/{epochs}  loss {train_loss:.4f}")
            if not (np.isfinite(train_loss) and np.isfinite(monitored)):
                raise FloatingPointError(
                    bilingual(
                        f"第 {epoch + 1} 轮损失发散（训练 {train_loss}，监控 {monitored}）；请减小学习率 α",
                        f"the loss diverged at epoch {epoch + 1} (training {train_loss}, "
                        f"monitored {monitored}); lower the learning rate α",
                    )
                )
            if patience is None:
                continue
            best_loss, best_epoch, wait, stop = early_stopping_step(
                best_loss, best_epoch, wait, monitored, epoch, patience, min_delta
            )
            if best_epoch == epoch:
                best_params = [p.copy() for p in model.params]
            if stop:
                break
    if best_params is not None:
        for p, saved in zip(model.params, best_params, strict=True):
            p[...] = saved
        history.best_epoch = best_epoch
    return history


# ---- end given ----
# ---- given code (给定代码): confusion_matrix ----
def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """混淆矩阵 / Confusion matrix C (k, k): C[i, j] = #samples of class i predicted as j."""
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)), 1)
    return C


# ---- end given ----


def _fast_engine(model: Any, X: np.ndarray, y: np.ndarray, **kwargs: Any) -> None:
    """学生版没有快速路径 / No fast path here: the given ``fit`` always calls your ``sgd_epoch``.

    nncore 的 fit 在这里用自己的快速实现（与 sgd_epoch 结果相同）；作业中始终训练你的代码。
    nncore's fit uses its own fast implementation here (equal to sgd_epoch); in the
    assignment it always trains with your code.
    """
    return None
