"""例题3：识别数字 2（二分类）/ 例题3: digit 2 vs the rest, sigmoid output, cross-entropy + λ.

784-25-1 on MNIST (``--mnist DIR``), 64-25-1 on the embedded 8×8 digits (default).
J = −(1/m) Σ [y ln a^(3) + (1 − y) ln(1 − a^(3))] + λ/(2m) Σ w².
"""

from __future__ import annotations

import argparse
from typing import Any

from nncore.data import digit_vs_rest
from nncore.examples.digits_common import (
    SLIDE_NOTE,
    add_digit_arguments,
    describe,
    load_digit_split,
    train_digits,
)
from nncore.training import accuracy, confusion_matrix, predict_labels

TITLE = "例题3：手写体数字识别——识别数字 2 / 例题3: handwritten digits — recognise the digit 2"
SLIDE_ACCURACY = 98.7
HIDDEN = 25


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """例题3 的选项 / 例题3's options."""
    add_digit_arguments(parser, lr=0.3, lam=1e-3)
    parser.add_argument("--digit", type=int, default=2, help="正类数字 / the positive digit")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """训练并评估 / Train N-25-1 on digit-vs-rest and report test accuracy."""
    data = load_digit_split(args)
    y_tr, y_te = (
        digit_vs_rest(data["y_train"], args.digit),
        digit_vs_rest(data["y_test"], args.digit),
    )
    sizes = [data["inputs"], HIDDEN, 1]
    net, history, settings = train_digits(
        args, sizes, "sigmoid", "bce", data["X_train"], y_tr, (data["X_test"], y_te), data["mnist"]
    )
    out = net.predict(data["X_test"])
    C = confusion_matrix(y_te, predict_labels(out), 2)
    report = {
        "example": "3",
        "title": TITLE,
        "source": data["source"],
        "n_train": int(y_tr.size),
        "n_test": int(y_te.size),
        "digit": args.digit,
        "settings": settings,
        "accuracy": accuracy(out, y_te),
        "baseline_accuracy": float(1 - y_te.mean()),
        "precision": float(C[1, 1] / max(1, C[:, 1].sum())),
        "recall": float(C[1, 1] / max(1, C[1].sum())),
        "confusion": C.tolist(),
        "slide_accuracy": SLIDE_ACCURACY,
        "slide_note": SLIDE_NOTE,
        "history": history.to_dict(),
    }
    if getattr(args, "plot", None):
        from nncore.plotting import plot_digits_report

        saved = plot_digits_report(report["history"], None, args.plot)
        report["plot"] = str(saved) if saved else None
    return report


def render(report: dict[str, Any]) -> str:
    """文本输出 / Text output."""
    (tn, fp), (fn, tp) = report["confusion"]
    d = report["digit"]
    lines = describe(report)
    lines += [
        f"全猜“非 {d}”的基线 / always-'not {d}' baseline: {100 * report['baseline_accuracy']:.2f} %",
        f"数字 {d} 的查准率 / precision {100 * report['precision']:.1f} %, "
        f"查全率 / recall {100 * report['recall']:.1f} %",
        f"混淆矩阵 / confusion (真实行, 预测列 / rows true, cols predicted): "
        f"非{d}/not {d}: [{tn} {fp}]   {d}: [{fn} {tp}]",
    ]
    if report.get("plot"):
        lines.append(f"图已保存 / plot saved: {report['plot']}")
    return "\n".join(lines)
