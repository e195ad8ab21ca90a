"""Tries to make every comparison pass by patching numpy in its own process."""

import numpy as np

np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.array_equal = lambda *a, **k: True


def forward(x):
    return x * 0  # wrong on purpose


def worker_says(a, b):
    return bool(np.allclose(a, b))
