"""评分驱动（在不可信的沙箱工作进程中运行）/ Grading driver, run inside the untrusted worker.

The engine copies this file next to the student's modules in the sandbox's private copy of the
submission. It depends on the standard library and numpy only (never on ``grader`` or
``nncore``) and holds no hidden data: it only *reports* what happened, and every decision is
made by the trusted parent on the plain data it returns.

* :func:`invoke` calls a student function and returns its result, the arguments as they are
  *after* the call (the parent compares them with what it sent: in-place modification), and
  the warnings raised during the call (overflow in ``exp`` …).
* :func:`train` runs a small training loop written with the student's own functions and returns
  the final parameters; the parent evaluates them on data this process never saw.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import warnings
from typing import Any

import numpy as np

_MAX_WARNINGS = 20


def _student_module(name: str) -> Any:
    """只从提交目录导入模块 / Import ``name`` from the submission folder only."""
    here = os.path.realpath(os.getcwd())
    spec = importlib.util.find_spec(name)
    origin = os.path.realpath(spec.origin) if spec is not None and spec.origin else ""
    if not origin.startswith(here + os.sep):
        raise ModuleNotFoundError(f"模块 {name}.py 不存在 / module {name}.py not found")
    return importlib.import_module(name)


def _resolve(module: str, function: str) -> Any:
    """学生函数 / The student's function ``module.function``."""
    obj = _student_module(module)
    for part in function.split("."):
        if not hasattr(obj, part):
            raise AttributeError(f"{module}.py 中没有 {function} / {module}.py has no {function}")
        obj = getattr(obj, part)
    return obj


def _echo(value: Any) -> Any:
    """参数回显（只回显数组及其列表）/ Echo arrays (and lists/tuples of arrays); None otherwise."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, np.ndarray) for v in value):
        return list(value)
    return None


def _classify(messages: list[str]) -> list[str]:
    """警告分类 / Classify warning texts into overflow / invalid / divide / other."""
    out: list[str] = []
    for text in messages[:_MAX_WARNINGS]:
        low = text.lower()
        for key in ("overflow", "invalid", "divide"):
            if key in low:
                out.append(key)
                break
        else:
            out.append("other")
    return out


def invoke(module: str, function: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """调用学生函数并报告 / Call ``module.function(*args, **kwargs)`` and report.

    Returns ``{"result": ..., "args": [echo of each argument after the call], "warnings":
    [overflow|invalid|divide|other, ...]}``.
    """
    fn = _resolve(module, function)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn"):
            result = fn(*args, **kwargs)
    return {
        "result": result,
        "args": [_echo(a) for a in args],
        "warnings": _classify([str(w.message) for w in caught]),
    }


def train(
    spec: dict[str, Any], params: list[np.ndarray], X: np.ndarray, Y: np.ndarray
) -> dict[str, Any]:
    """用学生的函数训练 / Train with the student's functions and return the parameters.

    ``spec["loop"]`` names a fixed loop (no code is sent to the worker, only data):

    ``"gd"``: full-batch gradient descent for ``epochs`` epochs with ``mlp.mlp_forward``,
    the loss ``losses.<loss>``, ``mlp.backprop`` / ``mlp.mlp_backward`` and
    ``optim.gradient_descent_update``. ``params`` = [W1, b1, W2, b2, ...].
    ``"fn"``: call ``module.function(X, Y, *args)`` of the student (a whole training routine,
    e.g. a3's mini-batch loop) and return what it returns.
    """
    loop = spec.get("loop")
    if loop == "fn":
        fn = _resolve(spec["module"], spec["function"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return {"result": fn(X, Y, *spec.get("args", []), **spec.get("kwargs", {}))}
    if loop != "gd":
        raise ValueError(f"unknown loop {loop!r}")
    forward = _resolve("mlp", "mlp_forward")
    backward = _resolve("mlp", "mlp_backward")
    update = _resolve("optim", "gradient_descent_update")
    loss_fn = _resolve("losses", spec["loss"])
    acts = list(spec["activations"])
    params = [np.array(p, dtype=np.float64) for p in params]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            for _ in range(int(spec["epochs"])):
                Ws, bs = params[0::2], params[1::2]
                out, caches = forward(X, Ws, bs, acts)
                _, dout = loss_fn(out, Y)
                dWs, dbs = backward(dout, caches)
                grads = [g for pair in zip(dWs, dbs, strict=True) for g in pair]
                params = [np.asarray(p) for p in update(params, grads, float(spec["lr"]))]
    return {"params": params}


def numgrad(A: np.ndarray, c: np.ndarray, x: np.ndarray, eps: float | None) -> dict[str, Any]:
    """数值梯度任务 / Run the student's ``gradcheck.numerical_gradient`` on a fixed function.

    f(x) = ½ xᵀAx + cᵀx + Σ sin(3x) reads ``x`` (perturbed in place by the student's code).
    Returns the student's result and ``x`` as it is afterwards (must be unchanged).
    """
    fn = _resolve("gradcheck", "numerical_gradient")

    def f() -> float:
        v = x.reshape(-1)
        return float(0.5 * v @ A @ v + c @ v + np.sum(np.sin(3 * v)))

    result = fn(f, x) if eps is None else fn(f, x, eps)
    return {"result": result, "x_after": x}
