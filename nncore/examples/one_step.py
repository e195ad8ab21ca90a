"""一次更新的逐步报告 / A step-by-step report of one gradient-descent update.

Shared by 例题1 and the 练习题: inputs, z and a of each layer, J, every gradient and every
updated parameter, each beside the slide's printed value where there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nncore.examples.slide_values import SlideValue
from nncore.mlp import MLP
from nncore.optim import gradient_descent_update

MATCH, SLIP, WRONG, NONE = "ok", "slip", "wrong", ""
STATUS_TEXT = {
    MATCH: "与讲义一致 / matches the slide",
    SLIP: "讲义末位有误 / slide's last digit off",
    WRONG: "讲义有误 / slide is wrong",
    NONE: "",
}


def compare(value: float, slide: SlideValue | None) -> str:
    """与讲义印出的数比较（按其位数）/ Compare with a printed value, to its printed rounding.

    ``ok``: value rounds to the printed number; ``slip``: off by one unit in the last printed
    digit; ``wrong``: further off.
    """
    if slide is None:
        return NONE
    unit = 10.0 ** (-slide.decimals)
    off = abs(value - slide.value)
    if off <= 0.5 * unit + 1e-12:
        return MATCH
    return SLIP if off <= 1.5 * unit else WRONG


def one_step_report(
    model: MLP,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    loss: str,
    lr: float,
    slide: Mapping[str, SlideValue] | None = None,
) -> dict[str, Any]:
    """一次完整更新，逐项列出 / One full update of ``model`` (not modified), item by item.

    Shapes: X (m, N_1), Y (m, N_L). Returns a JSON-ready dict with ``rows``: section, name,
    value, slide value (or None), its label, and a status from :func:`compare`.
    """
    slide = slide or {}
    rows: list[dict[str, Any]] = []

    def add(section: str, name: str, value: float) -> None:
        s = slide.get(f"{section}:{name}")
        rows.append(
            {
                "section": section,
                "name": name,
                "value": float(value),
                "slide": None if s is None else s.value,
                "slide_label": None if s is None else s.label,
                "status": compare(float(value), s),
            }
        )

    m = X.shape[0]
    for n in range(m):
        sfx = f"[{n + 1}]" if m > 1 else ""
        for j, v in enumerate(X[n], 1):
            add("input", f"x{j}{sfx}", v)
        for j, v in enumerate(Y[n], 1):
            add("input", f"y{j}{sfx}", v)
    names = model.parameter_names()
    theta = model.get_flat()
    for name, v in zip(names, theta, strict=True):
        add("parameter", name, v)

    _, caches = model.forward(X)
    for l, (_, (z, a, _f)) in enumerate(caches, start=2):
        for n in range(m):
            sfx = f"[{n + 1}]" if m > 1 else ""
            for i in range(z.shape[1]):
                add("forward", f"z{i + 1}^({l}){sfx}", z[n, i])
                add("forward", f"a{i + 1}^({l}){sfx}", a[n, i])

    J, grads = model.loss(X, Y, loss)
    add("loss", "J", J)
    flat_grad = np.concatenate([g.ravel() for g in grads])
    for name, g in zip(names, flat_grad, strict=True):
        add("gradient", f"dJ/d{name}", g)
    new_theta = np.concatenate(
        [p.ravel() for p in gradient_descent_update(model.params, grads, lr)]
    )
    for name, v in zip(names, new_theta, strict=True):
        add("updated", name, v)
    return {
        "sizes": model.sizes,
        "activations": [f.name for f in model.activations],
        "loss": loss,
        "alpha": lr,
        "m": m,
        "rows": rows,
        "J": J,
        "gradient": flat_grad.tolist(),
        "updated": new_theta.tolist(),
    }


SECTION_TITLES = {
    "input": "输入 / inputs",
    "parameter": "参数 θ / parameters θ",
    "forward": "前向传播 z, a / forward pass",
    "loss": "目标函数 J / objective J",
    "gradient": "梯度 ∂J/∂θ / gradients",
    "updated": "更新后参数 θ − α∂J/∂θ / updated parameters",
}


def render_rows(report: Mapping[str, Any]) -> str:
    """把报告排成文本表 / Render a report as a text table, flagging where the slide differs."""
    lines: list[str] = []
    section = None
    for r in report["rows"]:
        if r["section"] != section:
            section = r["section"]
            lines.append(f"\n== {SECTION_TITLES[section]} ==")
        slide = "" if r["slide"] is None else f"{r['slide']:>9g}"
        label = (
            ""
            if r["slide_label"] in (None, r["name"])
            else f" (讲义记作/slide: {r['slide_label']})"
        )
        flag = {SLIP: "  ⚠ ", WRONG: "  ✗ "}.get(r["status"], "    ")
        status = STATUS_TEXT[r["status"]]
        lines.append(
            f"{flag}{r['name']:<16}{r['value']:>14.8f}  {slide:>9}  {status}{label}".rstrip()
        )
    return "\n".join(lines)
