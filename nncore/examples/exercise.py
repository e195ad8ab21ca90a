"""练习题：单输出二分类网络的一次更新 / 练习题: one update of the single-output binary network.

例题1's network with its output layer changed to one sigmoid neuron (2-2-1). By default the
hidden layer keeps 例题1's weights and the output neuron keeps the weights into 例题1's first
output unit (w11^(2) = 0.7, w21^(2) = 0.8, b1^(3) = 0.5).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from nncore._checks import bilingual
from nncore.examples.one_step import one_step_report, render_rows
from nncore.losses import binary_cross_entropy_with_logits, half_squared_error
from nncore.mlp import MLP, backprop, flatten, mlp_backward, mlp_forward, unflatten
from nncore.optim import gradient_descent_update

SIZES = (2, 2, 1)
DEFAULT_THETA = (0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.8, 0.5)
DEFAULT_SAMPLES = {"X": [[0.1, 0.2], [0.2, 0.1], [0.8, 0.9], [0.9, 0.7]], "y": [0, 0, 1, 1]}
TITLE = "练习题：2-2-1 二分类网络的一次权重更新 / 练习题: one weight update of the 2-2-1 binary classifier"


def one_update(
    theta: np.ndarray, X: np.ndarray, y: np.ndarray, alpha: float, loss: str = "mse"
) -> np.ndarray:
    """2-2-1 网络的一次梯度下降更新（函数式）/ One gradient step of the 2-2-1 network.

    theta (9,) in the slide's order (w11, w12, w21, w22, b1, b2 | w11, w21 | b1), X (m, 2),
    y (m,) or (m, 1) in {0, 1}, sigmoid everywhere; ``loss`` is "mse" (½‖h − y‖²) or "bce".
    Returns the updated theta (9,): θ := θ − α ∂J/∂θ with J averaged over the m samples.
    """
    weights, biases = unflatten(np.asarray(theta, dtype=float), SIZES)
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    out, caches = mlp_forward(np.asarray(X, dtype=float), weights, biases, ["sigmoid"] * 2)
    if loss == "bce":
        _, delta = binary_cross_entropy_with_logits(caches[-1][1][0], Y)
        dWs, dbs = backprop(delta, caches)
    else:
        _, dout = half_squared_error(out, Y)
        dWs, dbs = mlp_backward(dout, caches)
    params = [p for W, b in zip(weights, biases, strict=True) for p in (W, b)]
    grads = [g for dW, db in zip(dWs, dbs, strict=True) for g in (dW, db)]
    return flatten(gradient_descent_update(params, grads, alpha))


MIN_SAMPLES, MAX_SAMPLES = 2, 10  # as my_samples() in assignments/a2/exercise.py asks

SAMPLES_HELP = """\
样本格式 / sample formats (--samples TEXT_OR_FILE):

  CSV，每行 x1,x2,y；第一行可以是表头（如 x1,x2,y），也可以没有 /
  CSV, one sample per row x1,x2,y; a header row (e.g. x1,x2,y) is optional:
      x1,x2,y            0.1,0.2,0
      0.1,0.2,0          0.9,0.7,1
      0.9,0.7,1
  JSON 文本或文件 / JSON text or file:
      {"X": [[0.1, 0.2], [0.9, 0.7]], "y": [0, 1]}   或 / or   [[0.1, 0.2, 0], [0.9, 0.7, 1]]

与 my_samples() 的要求相同 / the same rules as my_samples(): 2 ≤ m ≤ 10 个样本，x 有限，
y 取 0 或 1，两类都要有 / 2 ≤ m ≤ 10 samples, finite x, labels 0 or 1, both classes present.

初值 θ（讲义顺序 w11 w12 w21 w22 b1 b2 | w11 w21 | b1）默认 (0.2 0.3 0.4 0.5 0.3 0.3 | 0.7 0.8
| 0.5)：隐含层沿用例题1，输出神经元沿用例题1 第一个输出单元的权重 w11^(2) = 0.7、w21^(2) = 0.8、
b1^(3) = 0.5。/ Default θ: 例题1's hidden layer, and the weights into 例题1's first output unit.
"""


def _bad(zh: str, en: str) -> ValueError:
    return ValueError(bilingual(zh, en))


def _csv_rows(raw: str) -> list[list[float]]:
    """CSV 行（可有表头）/ Rows of a CSV text; a first row that is not numeric is a header."""
    lines = [
        ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    rows: list[list[float]] = []
    for k, line in enumerate(lines):
        cells = [c.strip() for c in line.replace(";", ",").split(",")]
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            if k == 0:
                continue  # header row such as "x1,x2,y"
            raise _bad(
                f"第 {k + 1} 行不是三个数 x1,x2,y：{line!r}",
                f"line {k + 1} is not three numbers x1,x2,y: {line!r}",
            ) from None
    return rows


def check_samples(X: np.ndarray, y: np.ndarray) -> None:
    """样本合法性（与 my_samples() 相同）/ Reject samples that my_samples() may not return.

    X (m, 2) finite, y (m,) in {0, 1}, 2 ≤ m ≤ 10, both classes present; bilingual errors.
    """
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise _bad(
            f"需要 X 形状 (m, 2)、y 形状 (m,)，实际 {X.shape}、{y.shape}",
            f"need X of shape (m, 2) and y of shape (m,), got {X.shape} and {y.shape}",
        )
    if not np.all(np.isfinite(X)) or not np.all(np.isin(y, (0.0, 1.0))):
        raise _bad("X 必须是有限数，y 必须是 0 或 1", "X must be finite and y must be 0 or 1")
    m = X.shape[0]
    if not MIN_SAMPLES <= m <= MAX_SAMPLES:
        raise _bad(
            f"样本数 m 应在 {MIN_SAMPLES}..{MAX_SAMPLES} 之间，实际 m = {m}",
            f"the sample count m must be {MIN_SAMPLES}..{MAX_SAMPLES}, got m = {m}",
        )
    if len(set(y.tolist())) != 2:
        raise _bad(
            "两类都要有：y 中既要有 0 也要有 1",
            "both classes must be present: y needs at least one 0 and one 1",
        )


def parse_samples(text: str) -> tuple[np.ndarray, np.ndarray]:
    """读入样本 / Read samples from JSON text or a file, or CSV rows ``x1,x2,y`` (header optional).

    JSON forms: ``{"X": [[x1, x2], …], "y": [0, 1, …]}`` or ``[[x1, x2, y], …]``.
    Returns X (m, 2) and y (m, 1); rejects what :func:`check_samples` rejects.
    """
    path = Path(text)
    try:
        is_file = len(text) < 4096 and path.is_file()
    except OSError:  # sample text longer than a file name may be (ENAMETOOLONG) is text
        is_file = False
    raw = path.read_text(encoding="utf-8") if is_file else text
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        data = _csv_rows(raw)
    try:
        if isinstance(data, dict):
            X, y = np.asarray(data["X"], dtype=float), np.asarray(data["y"], dtype=float)
        else:
            arr = np.asarray(data, dtype=float)
            if arr.ndim != 2 or arr.shape[1] != 3:
                raise _bad(
                    f"样本应为 m 行 3 列 (x1, x2, y)，实际形状 {arr.shape}",
                    f"samples must be m rows of (x1, x2, y), got shape {arr.shape}",
                )
            X, y = arr[:, :2], arr[:, 2]
    except (KeyError, TypeError) as exc:
        raise _bad(f"JSON 需要键 X 与 y（{exc}）", f"the JSON needs keys X and y ({exc})") from None
    except ValueError as exc:
        if "\n" in str(exc):
            raise
        raise _bad(f"样本不是数：{exc}", f"samples are not numbers: {exc}") from None
    check_samples(X, y)
    return X, y[:, None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """练习题的选项 / Options of the 练习题."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = SAMPLES_HELP
    parser.add_argument(
        "--samples",
        help="样本：CSV（可有表头）或 JSON，文本或文件，见下 / samples: CSV (header optional) or "
        "JSON, text or file; see below",
    )
    parser.add_argument("--loss", choices=("mse", "bce"), default="mse", help="½‖h−y‖² 或/or BCE")
    parser.add_argument("--alpha", type=float, default=0.1, help="学习率 / learning rate α")
    parser.add_argument(
        "--theta", help="9 个初始参数，逗号分隔，讲义顺序 / 9 initial parameters, slide order"
    )


def run(args: argparse.Namespace | None = None) -> dict[str, Any]:
    """做一次更新 / Do one update on the given (or default) samples."""
    samples = getattr(args, "samples", None)
    X, y = parse_samples(samples) if samples else parse_samples(json.dumps(DEFAULT_SAMPLES))
    theta_text = getattr(args, "theta", None)
    theta = _theta(theta_text) if theta_text else DEFAULT_THETA
    model = MLP.from_flat(SIZES, theta, activation="sigmoid")
    loss = getattr(args, "loss", "mse")
    report = one_step_report(model, X, y, loss=loss, lr=getattr(args, "alpha", 0.1))
    return {"example": "exercise", "title": TITLE, **report}


def _theta(text: str) -> list[float]:
    """--theta 的 9 个数 / The 9 numbers of --theta."""
    try:
        theta = [float(v) for v in text.replace(" ", ",").split(",") if v]
    except ValueError:
        raise _bad(f"--theta 不是数：{text!r}", f"--theta is not numbers: {text!r}") from None
    if len(theta) != 9:
        raise _bad(
            f"--theta 需要 9 个数，实际 {len(theta)} 个",
            f"--theta needs 9 numbers, got {len(theta)}",
        )
    return theta


def render(report: dict[str, Any]) -> str:
    """文本输出 / Text output."""
    return (
        f"{TITLE}\nloss = {report['loss']}, α = {report['alpha']}, m = {report['m']}"
        + render_rows(report)
    )
