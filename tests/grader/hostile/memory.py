"""Memory bombs."""

import numpy as np


def numpy_bomb():
    return np.ones(10**11)


def list_bomb():
    hog = []
    while True:
        hog.append(" " * (1 << 20))
