"""演示与测试用的示例提交 / Example submissions for the demo and the grader's tests.

Nothing here is a hand-maintained copy of the solution: every example submission is *derived
at run time* from the real trees —

* ``reference``: the modules of ``solutions/<a>/`` (the nbgrader source, solution regions
  generated from nncore), copied into a temporary folder;
* ``release``: the untouched student release ``assignments/<a>/`` (or, before the first
  build, the solutions with every solution region stripped by the release build's own code);
* mistake submissions: the reference with small textual :class:`Patch` es applied, each one a
  typical student mistake from the lecture (transposed W, forgotten f'(z), forgotten 1/m,
  non-simultaneous update, unstable formulas, in-place updates, importing nncore, wrong
  shapes, NaN). A patch that no longer applies raises, so the bank cannot silently rot.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Patch:
    """把 ``old`` 换成 ``new`` / Replace ``old`` by ``new`` (exactly once) in ``file``."""

    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Mistake:
    """一个典型错误 / One typical mistake: patches, the task it must cost, the expected hint."""

    name: str
    assignment: str
    zh: str
    en: str
    patches: tuple[Patch, ...]
    task: str
    hint: str | None


_SEQ_ONE_UPDATE = """    weights, biases = unflatten(np.asarray(theta, dtype=float), (2, 2, 1))
    X = np.asarray(X, dtype=float)
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    m = X.shape[0]
    W1, b2, W2, b3 = weights[0], biases[0], weights[1], biases[1]
    a2 = 1 / (1 + np.exp(-(X @ W1 + b2)))
    a3 = 1 / (1 + np.exp(-(a2 @ W2 + b3)))
    d3 = (a3 - Y) / m if loss == "bce" else (a3 - Y) * a3 * (1 - a3) / m
    W2 = W2 - alpha * a2.T @ d3  # updated before δ^(2) is computed: not simultaneous
    b3 = b3 - alpha * d3.sum(axis=0)
    d2 = (d3 @ W2.T) * a2 * (1 - a2)
    W1 = W1 - alpha * X.T @ d2
    b2 = b2 - alpha * d2.sum(axis=0)
    return np.concatenate([W1.ravel(), b2, W2.ravel(), b3])
"""

MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "transposed_w",
        "a2",
        "∂J/∂W 用了转置（dz.T @ a）",
        "∂J/∂W transposed (dz.T @ a)",
        (Patch("layers.py", "    dW = a.T @ dz\n", "    dW = dz.T @ a\n"),),
        "a2.dense_backward",
        "transposed_w",
    ),
    Mistake(
        "missing_fprime",
        "a2",
        "反传时忘了乘 f'(z)",
        "forgot f'(z) in the δ recursion",
        (
            Patch(
                "mlp.py",
                "            delta = activation_backward(da, caches[l - 1][1])\n",
                "            delta = da\n",
            ),
        ),
        "a2.mlp_backward",
        "missing_fprime",
    ),
    Mistake(
        "forgot_1_over_m",
        "a2",
        "平方误差的梯度忘了除以 m",
        "forgot 1/m in the squared-error gradient",
        (Patch("losses.py", "    return J, diff / h.shape[0]\n", "    return J, diff\n"),),
        "a2.loss_mse",
        "missing_1_over_m",
    ),
    Mistake(
        "sequential_update",
        "a2",
        "练习题中先更新 W^(2) 再用新 W^(2) 反传（非同时更新）",
        "练习题: W^(2) updated before δ^(2) is computed (not simultaneous)",
        (Patch("exercise.py", "@@one_update@@", _SEQ_ONE_UPDATE),),
        "a2.exercise",
        "sequential_update",
    ),
    Mistake(
        "unstable_bce",
        "a2",
        "logit 交叉熵直接用 log(σ(z))，极端值溢出",
        "BCE on logits as log(σ(z)): overflows at extreme z",
        (
            Patch(
                "losses.py",
                "    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)\n"
                "    e = np.exp(-np.abs(z))\n"
                "    sig = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n",
                "    sig = 1.0 / (1.0 + np.exp(-z))\n"
                "    per_sample = -np.sum(y * np.log(sig) + (1 - y) * np.log(1 - sig), axis=1)\n",
            ),
        ),
        "a2.loss_bce",
        "unstable",
    ),
    Mistake(
        "inplace_update",
        "a2",
        "梯度下降就地修改参数（p -= α g）",
        "gradient descent modifies the parameters in place (p -= α g)",
        (
            Patch(
                "optim.py",
                "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
                "    for p, g in zip(params, grads, strict=True):\n"
                "        p -= lr * g\n"
                "    return list(params)\n",
            ),
        ),
        "a2.gd_update",
        "inplace",
    ),
    Mistake(
        "imports_nncore",
        "a2",
        "从 nncore 导入参考答案",
        "imports the reference solution from nncore",
        (
            Patch(
                "layers.py",
                "from __future__ import annotations\n",
                "from __future__ import annotations\n\ntry:\n    import nncore.layers as _ref\n"
                "except ImportError:\n    _ref = None\n",
            ),
        ),
        "a2.dense_forward",
        None,
    ),
    Mistake(
        "wrong_shape",
        "a2",
        "∂J/∂b 保留了维度，形状为 (1, N)",
        "∂J/∂b kept its dimension: shape (1, N)",
        (
            Patch(
                "layers.py", "    db = dz.sum(axis=0)\n", "    db = dz.sum(axis=0, keepdims=True)\n"
            ),
        ),
        "a2.dense_backward",
        "wrong_shape",
    ),
    Mistake(
        "nan",
        "a2",
        "平方误差返回 NaN",
        "the squared error returns NaN",
        (
            Patch(
                "losses.py",
                "    return J, diff / h.shape[0]\n",
                "    return J, diff / h.shape[0] * np.nan\n",
            ),
        ),
        "a2.loss_mse",
        "nonfinite",
    ),
)

MISTAKES = (
    *MISTAKES,
    Mistake(
        "unstable_sigmoid",
        "a1",
        "sigmoid 直接写 1/(1+exp(−z))，z 很负时溢出",
        "sigmoid as 1/(1+exp(−z)): overflows for very negative z",
        (
            Patch(
                "activations.py",
                "    e = np.exp(-np.abs(z))\n"
                "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)\n",
                "    return (1.0 / (1.0 + np.exp(-z))).astype(z.dtype)\n",
            ),
        ),
        "a1.sigmoid",
        "overflow_warning",
    ),
)

_SGD_LOSS = "        J, grads = model.loss(X[idx], y[idx], loss, lam * idx.size / m)\n"

MISTAKES = (
    *MISTAKES,
    # --- a3 训练实践 ----------------------------------------------------------------------
    Mistake(
        "momentum_sign",
        "a3",
        "冲量法写成 θ := θ − v（符号反了）",
        "momentum as θ := θ − v (wrong sign)",
        (
            Patch(
                "optim.py",
                "    return [p + v for p, v in zip(params, new_v, strict=True)], new_v\n",
                "    return [p - v for p, v in zip(params, new_v, strict=True)], new_v\n",
            ),
        ),
        "a3.momentum",
        "momentum_sign",
    ),
    Mistake(
        "weight_decay_on_bias",
        "a3",
        "sgd_epoch 自己给每个参数（含偏置）加 λ/m·θ",
        "sgd_epoch adds λ/m·θ to every parameter itself (biases included)",
        (
            Patch(
                "training.py",
                _SGD_LOSS,
                "        J, grads = model.loss(X[idx], y[idx], loss)\n"
                "        grads = [g + lam / m * p for g, p in zip(grads, model.params)]\n",
            ),
        ),
        "a3.sgd_epoch",
        "weight_decay_on_bias",
    ),
    Mistake(
        "zscore_test_statistics",
        "a3",
        "zscore_transform 在要变换的（测试）数据上重新计算 μ、σ",
        "zscore_transform recomputes μ and σ on the (test) data it transforms",
        (
            Patch(
                "preprocessing.py",
                "    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)\n",
                "    X = np.asarray(X, dtype=np.float64)\n"
                "    return (X - X.mean(axis=0)) / X.std(axis=0)\n",
            ),
        ),
        "a3.normalise",
        "test_statistics",
    ),
    Mistake(
        "std_zero_division",
        "a3",
        "z-score 直接除以 σ（常数特征除以零）",
        "z-score divides by σ directly (a constant feature divides by zero)",
        (
            Patch(
                "preprocessing.py",
                "    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)\n",
                "    return (np.asarray(X, dtype=np.float64) - mean) / std\n",
            ),
        ),
        "a3.normalise",
        "std_zero",
    ),
    Mistake(
        "early_stopping_not_restoring",
        "a3",
        "早停：没有改进时也把 best_epoch 设为当前轮（fit 恢复的是最后一轮）",
        "early stopping: best_epoch set to the current epoch without improvement (fit restores "
        "the last epoch)",
        (
            Patch(
                "training.py",
                "    return best_loss, best_epoch, wait, wait >= patience\n",
                "    return best_loss, epoch, wait, wait >= patience\n",
            ),
        ),
        "a3.early_stopping",
        "early_stop_not_restoring",
    ),
    Mistake(
        "early_stopping_off_by_one",
        "a3",
        "早停：wait > patience 才停（多等一轮）",
        "early stopping: stops only when wait > patience (one epoch late)",
        (
            Patch(
                "training.py",
                "    return best_loss, best_epoch, wait, wait >= patience\n",
                "    return best_loss, best_epoch, wait, wait > patience\n",
            ),
        ),
        "a3.early_stopping",
        "early_stop_off_by_one",
    ),
    Mistake(
        "minibatches_drop_last",
        "a3",
        "小批量丢掉了最后一个不满的批次",
        "mini-batches drop the last, smaller batch",
        (
            Patch(
                "optim.py",
                "    for start in range(0, m, batch_size):\n",
                "    for start in range(0, m - batch_size + 1, batch_size):\n",
            ),
        ),
        "a3.minibatches",
        "batches_cover",
    ),
    Mistake(
        "imports_nncore_a3",
        "a3",
        "归一化从 nncore 导入参考答案",
        "normalisation imports the reference solution from nncore",
        (
            Patch(
                "preprocessing.py",
                "import numpy as np\n",
                "import numpy as np\n\ntry:\n    from nncore.data import preprocessing as _ref\n"
                "except ImportError:\n    _ref = None\n",
            ),
        ),
        "a3.normalise",
        None,
    ),
    # --- a4 深度网络的问题 ---------------------------------------------------------------
    Mistake(
        "residual_no_skip_backward",
        "a4",
        "残差块反向漏了跳跃路径（∂J/∂a 只有经过两层的部分）",
        "residual backward without the skip path (∂J/∂a only through the layers)",
        (
            Patch(
                "residual.py",
                "    return dout + da_dense, dW1, db1, dW2, db2\n",
                "    return da_dense, dW1, db1, dW2, db2\n",
            ),
        ),
        "a4.residual",
        "residual_skip_backward",
    ),
    Mistake(
        "dae_corrupts_target",
        "a4",
        "corrupt 就地修改 X（X *= mask），重构目标也成了加噪的输入",
        "corrupt modifies X in place (X *= mask), so the reconstruction target is noisy too",
        (
            Patch(
                "autoencoder.py",
                "    return X * mask, mask\n",
                "    X *= mask\n    return X, mask\n",
            ),
        ),
        "a4.dae",
        "dae_noisy_target",
    ),
    Mistake(
        "norms_reversed",
        "a4",
        "逐层梯度范数的顺序反了（从输出一侧开始）",
        "per-layer gradient norms in reverse order (output side first)",
        (
            Patch(
                "vanishing.py",
                "    return [float(np.linalg.norm(g)) for g in grads[0::2]]\n",
                "    return [float(np.linalg.norm(g)) for g in grads[0::2]][::-1]\n",
            ),
        ),
        "a4.gradient_norms",
        "norms_order",
    ),
)

#: The demo's "typical mistakes" students (one per assignment): several of the above at once.
TYPICAL = (
    "transposed_w",
    "missing_fprime",
    "forgot_1_over_m",
    "unstable_bce",
    "inplace_update",
    "unstable_sigmoid",
    "momentum_sign",
    "weight_decay_on_bias",
    "zscore_test_statistics",
    "early_stopping_not_restoring",
    "residual_no_skip_backward",
    "dae_corrupts_target",
    "norms_reversed",
)


def mistake(name: str) -> Mistake:
    """按名字取错误 / Look a mistake up by name."""
    for m in MISTAKES:
        if m.name == name:
            return m
    raise KeyError(name)


def _replace_function(text: str, name: str, body: str) -> str:
    """替换函数体（保留签名与文档字符串）/ Replace a function's body after its docstring."""
    import ast

    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            first = node.body[0]
            start = first.end_lineno if isinstance(first, ast.Expr) else node.body[0].lineno - 1
            end = node.end_lineno or start
            return "".join(lines[:start]) + body + "".join(lines[end:])
    raise ValueError(f"function {name} not found")


def apply(folder: Path, patches: tuple[Patch, ...]) -> None:
    """在提交目录中应用补丁 / Apply patches in a submission folder (each must match once)."""
    for p in patches:
        path = folder / p.file
        text = path.read_text(encoding="utf-8")
        if p.old.startswith("@@") and p.old.endswith("@@"):
            text = _replace_function(text, p.old.strip("@"), p.new)
        else:
            if text.count(p.old) != 1:
                raise ValueError(f"patch for {p.file} does not apply: {p.old!r}")
            text = text.replace(p.old, p.new)
        path.write_text(text, encoding="utf-8")


def copy_modules(src: Path, dest: Path) -> Path:
    """只复制学生模块（.py，不含 tests/）/ Copy a folder's top-level .py modules only."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.glob("*.py")):
        shutil.copyfile(f, dest / f.name)
    return dest


def reference(assignment: str, dest: Path, root: Path = ROOT) -> Path:
    """参考提交（来自 solutions/）/ The reference submission, copied from ``solutions/<a>``."""
    src = root / "solutions" / assignment
    if not src.is_dir():
        raise FileNotFoundError(f"{src} not found")
    return copy_modules(src, dest)


def release(assignment: str, dest: Path, root: Path = ROOT) -> Path:
    """未改动的学生版 / The untouched release ``assignments/<a>`` (stripped solutions before
    the first build, using the release build's own stripping)."""
    src = root / "assignments" / assignment
    if src.is_dir():
        return copy_modules(src, dest)
    from grader import manifest
    from grader.release.build import strip_module

    spec = manifest.get(assignment)
    copy_modules(root / "solutions" / assignment, dest)
    for module in spec.modules:
        path = dest / f"{module}.py"
        if path.is_file():
            path.write_text(strip_module(spec, module, path.read_text("utf-8")), "utf-8")
    return dest


def with_mistakes(assignment: str, names: tuple[str, ...], dest: Path, root: Path = ROOT) -> Path:
    """带错误的提交 / The reference with the named mistakes applied."""
    reference(assignment, dest, root)
    for name in names:
        apply(dest, mistake(name).patches)
    return dest
