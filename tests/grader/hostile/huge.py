"""Returns a reply far bigger than the reply limit."""

import numpy as np


def big_reply(n):
    return np.zeros(n)
