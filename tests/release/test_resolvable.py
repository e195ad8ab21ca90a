"""给定代码用到的名字必须在学生模块中有定义 / Given code must not call names the module lacks."""

import pytest

from grader.release.sync import BuildError, check_resolvable

MODULE = """
import numpy as np
from layers import dense_forward


def helper(x):
    return np.sum(x)


class Net:
    def set(self, theta):
        parts = unflatten(theta)  # not defined anywhere in this module
        return parts


def fine(x):
    def inner(y):
        return helper(y) + len(y)
    try:
        return inner(dense_forward(x))
    except ValueError as err:
        return err
"""


def test_a_method_calling_an_undefined_name_fails_the_build():
    with pytest.raises(BuildError, match=r"set .*\['unflatten'\]"):
        check_resolvable(MODULE, "solutions/aX/mlp.py")


def test_defined_imported_nested_and_builtin_names_pass():
    check_resolvable(MODULE, "solutions/aX/mlp.py", only={"helper", "fine"})
