"""A well-behaved submission: CS231n-style forward/backward pair with an opaque cache."""


class Cache:
    """The student's own cache object (not serialisable: must come back as a handle)."""

    def __init__(self, x, w):
        self.x = x
        self.w = w


def dense_forward(x, w, b):
    return x @ w + b, Cache(x, w)


def dense_backward(dout, cache):
    return dout @ cache.w.T, cache.x.T @ dout, dout.sum(axis=0)


def echo(*args, **kwargs):
    return args, kwargs


def raise_value_error():
    raise ValueError("形状不匹配 shapes do not match")


def global_draws(n=4):
    """Draws from numpy's global generator (what a student who ignores the given rng does)."""
    import numpy as np

    return np.random.random(n)
