"""讲义例题1 印出的数值 / The numbers the lecture's 例题1 slide prints.

Copied from the lecture text (``shared/seed/lecture-nn-backprop.zh.txt``), with their printed
number of decimals. The slide lists its updated weights under labels that are transposed
relative to its own W vector (its "w12^(2) = 0.7979" comes from the 0.8 weight, which is
w21^(2) in the W order): each value is keyed here by the weight it belongs to, and the
slide's own label is kept beside it.
"""

from __future__ import annotations

from typing import NamedTuple


class SlideValue(NamedTuple):
    """一个印在讲义上的数 / One printed number: value, decimals, and the slide's label."""

    value: float
    decimals: int
    label: str


# 例题1 setup, exactly as printed (W vector order: w11,w12,w21,w22,b1,b2 per layer).
EXAMPLE1_SIZES = (2, 2, 2)
EXAMPLE1_THETA = (0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.5, 0.8, 0.3, 0.5, 0.5)
EXAMPLE1_X = (0.4, 0.6)
EXAMPLE1_Y = (0.6, 0.6)
EXAMPLE1_ALPHA = 0.1

# Keys are "section:name", sections as in nncore.examples.one_step.
EXAMPLE1_SLIDE: dict[str, SlideValue] = {
    "forward:a1^(2)": SlideValue(0.6502, 4, "h1"),
    "forward:a2^(2)": SlideValue(0.6726, 4, "h2"),
    "forward:a1^(3)": SlideValue(0.8166, 4, "y1"),
    "forward:a2^(3)": SlideValue(0.7363, 4, "y2"),
    "gradient:dJ/dw11^(2)": SlideValue(0.0211, 4, "∂J/∂w11^(2)"),
    "gradient:dJ/dw11^(1)": SlideValue(-0.053, 3, "∂J/∂w11^(1)"),
    "updated:w11^(2)": SlideValue(0.6979, 4, "w11^(2)"),
    "updated:w21^(2)": SlideValue(0.7979, 4, "w12^(2)"),
    "updated:w12^(2)": SlideValue(0.4982, 4, "w21^(2)"),
    "updated:w22^(2)": SlideValue(0.2982, 4, "w22^(2)"),
    "updated:w11^(1)": SlideValue(0.2053, 4, "w11^(1)"),
    "updated:w21^(1)": SlideValue(0.4098, 4, "w12^(1)"),
    "updated:w12^(1)": SlideValue(0.3044, 4, "w21^(1)"),
    "updated:w22^(1)": SlideValue(0.5026, 4, "w22^(1)"),
}
