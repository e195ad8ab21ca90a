"""例题4：识别 10 个数字 / 例题4: ten digits, softmax output, cross-entropy + λ.

784-100-10 on MNIST (``--mnist DIR``), 64-100-10 on the embedded 8×8 digits (default).
J = −(1/m) Σ_n Σ_k y_k ln a_k^(3) + λ/(2m) Σ w², a^(3) = softmax(z^(3)).
"""

from __future__ import annotations

import argparse
from typing import Any

from nncore.examples.digits_common import (
    SLIDE_NOTE,
    add_digit_arguments,
    describe,
    load_digit_split,
    train_digits,
)
from nncore.training import accuracy, confusion_matrix, predict_labels

TITLE = "例题4：手写体数字识别——识别 10 个数字 / 例题4: handwritten digits — all ten digits"
SLIDE_ACCURACY = 97.3
HIDDEN = 100


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """例题4 的选项 / 例题4's options."""
    add_digit_arguments(parser, lr=0.3, lam=1e-3)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """训练并评估 / Train N-100-10 and report test accuracy and the confusion matrix."""
    data = load_digit_split(args)
    sizes = [data["inputs"], HIDDEN, 10]
    validation = (data["X_test"], data["y_test"])
    net, history, settings = train_digits(
        args, sizes, "softmax", "ce", data["X_train"], data["y_train"], validation, data["mnist"]
    )
    out = net.predict(data["X_test"])
    C = confusion_matrix(data["y_test"], predict_labels(out), 10)
    report = {
        "example": "4",
        "title": TITLE,
        "source": data["source"],
        "n_train": int(data["y_train"].size),
        "n_test": int(data["y_test"].size),
        "settings": settings,
        "accuracy": accuracy(out, data["y_test"]),
        "per_class_accuracy": [float(C[k, k] / max(1, C[k].sum())) for k in range(10)],
        "confusion": C.tolist(),
        "slide_accuracy": SLIDE_ACCURACY,
        "slide_note": SLIDE_NOTE,
        "history": history.to_dict(),
    }
    if getattr(args, "plot", None):
        from nncore.plotting import plot_digits_report

        saved = plot_digits_report(report["history"], report["confusion"], args.plot)
        report["plot"] = str(saved) if saved else None
    return report


def render(report: dict[str, Any]) -> str:
    """文本输出 / Text output with the confusion matrix."""
    lines = describe(report)
    lines.append("混淆矩阵（行：真实，列：预测）/ confusion matrix (rows: true, cols: predicted)")
    lines.append("     " + "".join(f"{k:>6}" for k in range(10)) + "   准确率/acc")
    for k, row in enumerate(report["confusion"]):
        acc = 100 * report["per_class_accuracy"][k]
        lines.append(f"{k:>5}" + "".join(f"{v:>6}" for v in row) + f"   {acc:6.1f} %")
    if report.get("plot"):
        lines.append(f"图已保存 / plot saved: {report['plot']}")
    return "\n".join(lines)
