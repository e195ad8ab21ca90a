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

import contextlib
import importlib
import importlib.util
import inspect
import os
import sys
import warnings
from collections.abc import Iterator
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


def _held(value: Any) -> Any:
    """调用前记下的参数 / What to echo after the call: an array itself, or for a list/tuple of
    arrays the array objects it holds now (a shallow copy of the container).

    So the echo reports changes to the caller's *arrays* and not a new array put into the
    caller's list: ``params[i] = params[i] - lr * g`` leaves every array it was given as it
    was (the contract "inputs unchanged" is about the arrays).
    """
    if isinstance(value, list | tuple) and all(isinstance(v, np.ndarray) for v in value):
        return list(value)
    return value


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
    held = [_held(a) for a in args]  # the arrays as given: a list's entries may be replaced
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn"):
            result = fn(*args, **kwargs)
    return {
        "result": result,
        "args": [_echo(a) for a in held],
        "warnings": _classify([str(w.message) for w in caught]),
    }


# --- reference-built inputs as plain data (one mistake costs one task) -----------------------
# The parent may send, instead of objects, plain data that this file turns back into what the
# student's contract expects, and a table of the reference's answers for the calls a correct
# function makes to the student's OTHER stubs. Only data crosses: never solution code. Each
# answer is masked with a key derived from the call's exact arguments, so the table reveals an
# answer only to the call that a correct function makes (the arguments are hashed: the table
# holds no argument values either). Keys and masks come from one file used by both sides,
# _nnkit_replay.py (copied beside this driver; the parent imports it from grader/driver/).


def rebuild(value: Any) -> Any:
    """普通数据 → 学生契约中的对象 / Plain data → the objects of the student's contract.

    ``{"activation": name}`` becomes the student's ``activations.get_activation(name)`` (the
    given module: a2's caches hold ``(z, a, f)`` with ``f`` an ``Activation``); tuples and lists
    keep their kind; arrays are copied, so a student who writes into them changes nothing else.
    """
    if isinstance(value, dict) and set(value) == {"activation"}:
        return _student_module("activations").get_activation(str(value["activation"]))
    if isinstance(value, list | tuple):
        return type(value)(rebuild(v) for v in value)
    return value.copy() if isinstance(value, np.ndarray) else value


def _load_replay() -> Any:
    """键与掩码模块 / The keys-and-masks module, loaded from this file's own folder.

    ``_nnkit_replay.py`` is the same file the trusted grader imports
    (``grader/driver/_nnkit_replay.py``); the engine copies it here beside this driver.
    """
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_nnkit_replay.py")
    spec = importlib.util.spec_from_file_location("_nnkit_replay", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_replay = _load_replay()


def _replaying(original: Any, table: dict[str, Any]) -> Any:
    """参考答案表 / A stand-in answering the reference's calls from ``table``, else ``original``.

    ``table`` maps the key of a call's exact arguments (bound to the student's own signature,
    defaults applied) to the masked answer. A call with other arguments goes to the student's
    own function, so a wrong call is still judged by what it really computes.
    """
    try:
        sig = inspect.signature(original)
    except (TypeError, ValueError):
        sig = None

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = sig.bind(*args, **kwargs) if sig is not None else None
        except TypeError:
            bound = None
        if bound is not None:
            bound.apply_defaults()
            got = _replay.plain(list(bound.arguments.values()))
            for n in range(len(got), 0, -1):  # extra trailing (default) arguments allowed
                try:
                    key, seed = _replay.replay_key(got[:n])
                except (TypeError, ValueError):
                    continue
                if key in table:
                    return rebuild(_replay.unmask(table[key], seed))
        return original(*args, **kwargs)

    return stand_in


#: realpath of each module file seen (a module's file does not move; resolving every module's
#: path on every replayed call cost more than the call itself with many modules imported).
_REALPATHS: dict[str, str] = {}


def _realpath(path: str) -> str:
    """缓存的 realpath / ``os.path.realpath``, remembered per path string."""
    real = _REALPATHS.get(path)
    if real is None:
        real = _REALPATHS[path] = os.path.realpath(path)
    return real


def _student_modules() -> list[Any]:
    """已导入的学生模块 / The submission's modules imported so far."""
    here = os.path.realpath(os.getcwd()) + os.sep
    return [
        m
        for m in list(sys.modules.values())
        if _realpath(str(getattr(m, "__file__", None) or "")).startswith(here)
    ]


def invoke_replayed(
    module: str,
    function: str,
    args: list[Any],
    kwargs: dict[str, Any],
    replays: list[dict[str, Any]],
) -> dict[str, Any]:
    """在参考数据上调用 / :func:`invoke` with the student's other stubs answered by the reference.

    ``args`` are rebuilt (:func:`rebuild`). ``replays`` is ``[{"module": m, "function": f,
    "table": {key: masked answer}}]`` (see :func:`_replaying`): while ``module.function`` runs, every binding of the
    student's ``m.f`` in the submission's modules answers the recorded calls with the
    reference's results, so this function is judged on reference inputs even when one of the
    student's other stubs is wrong. The bindings are restored afterwards.
    """
    _resolve(module, function)  # import the module (and what it imports) first
    patched: list[tuple[Any, str, Any]] = []
    try:
        for r in replays:
            try:
                original = getattr(_student_module(str(r["module"])), str(r["function"]), None)
            except Exception:  # a module that is missing or fails to import: nothing to answer
                continue
            if not callable(original):
                continue
            stand_in = _replaying(original, dict(r["table"]))
            for mod in _student_modules():
                for key, val in list(vars(mod).items()):
                    if val is original:
                        patched.append((mod, key, val))
                        setattr(mod, key, stand_in)
        return invoke(module, function, [rebuild(a) for a in args], kwargs)
    finally:
        for mod, key, val in reversed(patched):
            setattr(mod, key, val)


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


# --- a3 / a4: routines that need objects the parent cannot send (generators, models, callables)
_MAX_BATCHES = 10_000


def _quiet() -> Any:
    """训练时不记录警告 / Silence warnings and floating-point errors while training."""
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(np.errstate(all="ignore"))
    return stack


def _rng(seed: int | None) -> np.random.Generator | None:
    """由种子生成随机数发生器（None 表示不打乱）/ A Generator from a seed (None: no rng)."""
    return None if seed is None else np.random.default_rng(int(seed))


def _take_batches(gen: Any, kinds: list[bool] | None = None) -> list[Any]:
    """取出小批量（最多 10000 个）/ Materialise the student's batches (at most 10 000).

    ``kinds`` (when given) records, per batch, whether the student yielded an ``np.ndarray``
    (a list of ints becomes an array here, so the parent could not tell otherwise).
    """
    out = []
    for k, idx in enumerate(gen):
        if kinds is not None:
            kinds.append(isinstance(idx, np.ndarray))
        if k >= _MAX_BATCHES:
            raise RuntimeError(
                f"minibatches 产生了超过 {_MAX_BATCHES} 个批次 / "
                f"minibatches yielded more than {_MAX_BATCHES} batches"
            )
        out.append(np.asarray(idx))
    return out


def batches(m: int, batch_size: int, seed: int | None) -> dict[str, Any]:
    """调用两次 ``optim.minibatches``（同一种子）/ Call ``optim.minibatches`` twice, same seed.

    Returns both lists of index arrays (reproducibility is judged by the parent) and
    ``arrays``: whether every batch was yielded as an ``np.ndarray``.
    """
    fn = _resolve("optim", "minibatches")
    kinds: list[bool] = []
    first = _take_batches(fn(int(m), int(batch_size), _rng(seed)), kinds)
    second = _take_batches(fn(int(m), int(batch_size), _rng(seed)), kinds)
    return {"first": first, "second": second, "arrays": all(kinds)}


def batch_size_error(m: int, batch_size: int) -> dict[str, Any]:
    """用 batch_size < 1 调用 ``optim.minibatches`` / Call ``optim.minibatches`` with a
    batch_size < 1 and take its batches (a generator checks on the first ``next``).

    Returns ``raised``: ``"ValueError"`` (a ValueError or a subclass), the name of another
    built-in exception, ``"other"`` for an exception class of the submission's own, or ``None``
    when nothing was raised. ``NotImplementedError`` propagates (the stub is not implemented).
    """
    fn = _resolve("optim", "minibatches")
    try:
        _take_batches(fn(int(m), int(batch_size), None))
    except NotImplementedError:
        raise
    except ValueError:
        return {"raised": "ValueError"}
    except Exception as exc:  # any other exception is reported by its name
        name = type(exc).__name__
        return {"raised": name if type(exc).__module__ == "builtins" else "other"}
    return {"raised": None}


def _model(spec: dict[str, Any], params: list[np.ndarray]) -> Any:
    """用学生的 mlp.MLP 建网络并载入参数 / A student ``mlp.MLP`` holding ``params``."""
    MLP = _resolve("mlp", "MLP")
    net = MLP(list(spec["sizes"]), activations=list(spec["activations"]), seed=0)
    for p, value in zip(net.params, params, strict=True):
        p[...] = value
    return net


def _optimizer(spec: dict[str, Any]) -> Any:
    """给定代码中的优化器对象 / The given optimizer class of the student's ``optim``."""
    if spec.get("optimizer", "gd") == "momentum":
        return _resolve("optim", "Momentum")(float(spec["lr"]), float(spec.get("beta", 0.9)))
    return _resolve("optim", "GradientDescent")(float(spec["lr"]))


class _TracedModel:
    """记录 λ 的模型 / A ``Model`` (``params``, ``loss``) over the given MLP that records the λ
    of every ``loss`` call and computes J_B and the gradients *without* the penalty.

    So ``sgd_epoch`` is graded without the student's ``weight_decay`` (a3.weight_decay grades
    that): the parent checks the recorded λ·|B|/m per batch instead.
    """

    def __init__(self, net: Any) -> None:
        self.net = net
        self.lams: list[float] = []

    @property
    def params(self) -> Any:
        """网络的参数（同一组数组）/ The network's parameter arrays (the same objects)."""
        return self.net.params

    def take_lams(self) -> list[float]:
        """本轮记录的 λ（并清空）/ The λ recorded since the last call (then cleared)."""
        out, self.lams = self.lams, []
        return out

    def loss(self, X: Any, y: Any, loss: Any = "mse", lam: Any = 0.0) -> Any:
        """J_B 与梯度（不含 λ 项）/ J_B and the gradients without the λ term; records λ."""
        self.lams.append(float(lam))
        return self.net.loss(X, y, loss, 0.0)


def _traced_minibatches(original: Any, calls: list[dict[str, Any]]) -> Any:
    """记录 minibatches 的调用 / Wrap the student's ``minibatches``: record each call's
    arguments and the batches it yields, as arrays (the student's own function still does the
    work). Empty batches are recorded but not passed on: a ``minibatches`` that yields one
    (a3.minibatches' mistake) would otherwise turn a correct ``sgd_epoch``'s mean loss and
    gradient into 0/0."""

    def traced(*args: Any, **kwargs: Any) -> Any:
        bound = dict(zip(("m", "batch_size", "rng"), args, strict=False))
        bound.update(kwargs)
        out = _take_batches(original(*args, **kwargs))
        calls.append({"args": bound, "batches": out})
        return iter([idx for idx in out if idx.size])

    return traced


@contextlib.contextmanager
def _batches_as_contract(calls: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """训练时包装学生的 minibatches / While training, the student's ``minibatches`` (in both
    modules that name it) runs through :func:`_traced_minibatches`: its batches reach the
    training loop as int arrays (the docstring's contract) and without empty batches, so a
    ``minibatches`` yielding lists or an empty batch costs a3.minibatches, not also the tasks
    that train with it; ``calls`` records every call."""
    modules = [_student_module("training"), _student_module("optim")]
    originals = [(mod, getattr(mod, "minibatches", None)) for mod in modules]
    try:
        for mod, fn in originals:
            if callable(fn):
                mod.minibatches = _traced_minibatches(fn, calls)
        yield calls
    finally:
        for mod, fn in originals:
            if fn is not None:
                mod.minibatches = fn


def sgd_epochs(
    spec: dict[str, Any],
    params: list[np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    traced: bool = False,
) -> dict[str, Any]:
    """用学生的 ``training.sgd_epoch`` 训练若干轮 / Run the student's ``sgd_epoch`` ``epochs`` times.

    The model is the given ``mlp.MLP`` loaded with ``params``; the optimizer the given
    ``GradientDescent``/``Momentum``; one generator ``default_rng(seed)`` (or None) is passed to
    every epoch. Also returns the batches the student's ``minibatches`` yields for the same
    generator stream (what the contract's batches are), the values returned by every epoch, the
    final parameters and whether X, y changed (in-place check).

    ``traced``: the model is a :class:`_TracedModel` (λ recorded, no penalty computed, so the
    student's ``weight_decay`` is not involved). Traced or not, the batches the student's
    ``minibatches`` yielded *inside* sgd_epoch are recorded per epoch (``used``: the batches
    when it was called once with (m, batch_size, the rng passed in), None when not called,
    False when called otherwise), so the parent can replay, or train its reference on, exactly
    the batches sgd_epoch used: a ``minibatches`` that ignores its rng does not cost
    a3.sgd_epoch too. The student's ``minibatches`` is wrapped while ``sgd_epoch`` runs, so the
    batches it uses are int arrays even when the student's yields lists (a mistake of
    a3.minibatches alone).
    """
    epoch_fn = _resolve("training", "sgd_epoch")
    net = _model(spec, params)
    model = _TracedModel(net) if traced else net
    opt = _optimizer(spec)
    seed, bs, epochs = spec.get("seed"), int(spec["batch_size"]), int(spec["epochs"])
    order_rng = _rng(seed)
    mb = _resolve("optim", "minibatches")
    try:
        order: Any = [_take_batches(mb(X.shape[0], bs, order_rng)) for _ in range(epochs)]
    except Exception:  # the parent then replays nncore's own batches
        order = None
    rng = _rng(seed)
    X_in, y_in = X.copy(), y.copy()
    losses, used, lams = [], [], []
    with _quiet(), _batches_as_contract([]) as calls:
        for _ in range(epochs):
            calls.clear()
            value = epoch_fn(
                model, X, y, loss=spec["loss"], optimizer=opt, batch_size=bs,
                lam=float(spec.get("lam", 0.0)), rng=rng,
            )  # fmt: skip
            losses.append(value)
            if traced:
                lams.append(model.take_lams())
            args = calls[0]["args"] if len(calls) == 1 else {}
            ok = (args.get("m"), args.get("batch_size")) == (X.shape[0], bs)
            ok = ok and args.get("rng") is rng
            used.append(calls[0]["batches"] if ok else (None if not calls else False))
    changed = not (np.array_equal(X, X_in) and np.array_equal(y, y_in))
    out = {
        "losses": losses,
        "params": [np.asarray(p) for p in net.params],
        "batches": order,
        "data_changed": changed,
        "used": used,
    }
    if traced:
        out.update(lams=lams)
    return out


def fit_runs(
    spec: dict[str, Any], inits: list[list[np.ndarray]], X: np.ndarray, y: np.ndarray
) -> dict[str, Any]:
    """用给定的 ``training.fit`` 从各初值训练 / Train with the given ``fit`` from each init.

    ``fit`` strings the student's functions together (``sgd_epoch``, ``minibatches``,
    ``momentum_update`` through ``Momentum``, ``weight_decay`` through ``MLP.loss``); the
    student's ``minibatches`` runs through :func:`_batches_as_contract`. With
    ``spec["scale"] == "zscore"`` the inputs are first standardised with the student's
    ``preprocessing.zscore_fit`` / ``zscore_transform`` (fitted on these training inputs) and
    the fitted μ, σ are returned, so the parent can apply them to data this process never sees.
    """
    fit = _resolve("training", "fit")
    out: dict[str, Any] = {}
    if spec.get("scale") == "zscore":
        mean, std = _resolve("preprocessing", "zscore_fit")(X)
        X = _resolve("preprocessing", "zscore_transform")(X, mean, std)
        out["mean"], out["std"] = np.asarray(mean), np.asarray(std)
    runs = []
    with _quiet(), _batches_as_contract([]) as calls:
        for k, init in enumerate(inits):
            calls.clear()  # nothing is read back: the record only needs to stay small
            net = _model(spec, init)
            fit(
                net, X, y, loss=spec["loss"], optimizer=spec.get("optimizer", "momentum"),
                lr=float(spec["lr"]), beta=float(spec.get("beta", 0.9)),
                epochs=int(spec["epochs"]), batch_size=int(spec["batch_size"]),
                lam=float(spec.get("lam", 0.0)), seed=int(spec.get("seed", 0)) + k,
                track_accuracy=False,
            )  # fmt: skip
            runs.append([np.asarray(p) for p in net.params])
    out["params"] = runs
    return out


def early_stopping(val_losses: list[float], patience: int, min_delta: float) -> dict[str, Any]:
    """按 fit 的方式循环调用早停规则 / Loop the student's ``early_stopping_step`` as ``fit`` does.

    State starts at (inf, −1, 0); the loop stops when the student's rule says so. Returns the
    state after every epoch as lists (best_loss, best_epoch, wait, stop).
    """
    step = _resolve("training", "early_stopping_step")
    best_loss, best_epoch, wait = float("inf"), -1, 0
    rec: dict[str, list[Any]] = {"best_loss": [], "best_epoch": [], "wait": [], "stop": []}
    for epoch, v in enumerate(val_losses):
        best_loss, best_epoch, wait, stop = step(
            best_loss, best_epoch, wait, float(v), epoch, int(patience), float(min_delta)
        )
        rec["best_loss"].append(float(best_loss))
        rec["best_epoch"].append(int(best_epoch))
        rec["wait"].append(int(wait))
        rec["stop"].append(bool(stop))
        if stop:
            break
    return {key: np.asarray(v) for key, v in rec.items()}


def residual_backward(
    a: np.ndarray,
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    activation: str,
    dout: np.ndarray,
) -> dict[str, Any]:
    """缓存由给定的层函数建立 / Build the block's cache with the given layer functions, then
    call the student's ``residual.residual_backward(dout, cache)`` (so backward is graded on
    its own, independent of the student's forward)."""
    dense_forward = _resolve("layers", "dense_forward")
    activation_forward = _resolve("layers", "activation_forward")
    z1, dense1 = dense_forward(a, W1, b1)
    _, act1 = activation_forward(z1, activation)
    h = act1[1]
    _, dense2 = dense_forward(h, W2, b2)
    sent = dout.copy()
    result = _resolve("residual", "residual_backward")(dout, (dense1, act1, dense2))
    return {"result": result, "mutated": not np.array_equal(dout, sent)}


def dae_backward(
    X: np.ndarray,
    mask: np.ndarray,
    params: list[np.ndarray],
    activations: list[str],
    dxhat: np.ndarray,
) -> dict[str, Any]:
    """缓存由给定的 ``mlp.mlp_forward`` 建立 / Build the DAE cache with the given
    ``mlp_forward`` on x̃ = x ⊙ mask, then call the student's ``autoencoder.dae_backward``."""
    forward = _resolve("mlp", "mlp_forward")
    W1, b1, W2, b2 = params
    _, cache = forward(X * mask, [W1, W2], [b1, b2], list(activations))
    sent = dxhat.copy()
    result = _resolve("autoencoder", "dae_backward")(dxhat, cache)
    return {"result": result, "mutated": not np.array_equal(dxhat, sent)}


def corrupt(X: np.ndarray, noise: float, seed: int) -> dict[str, Any]:
    """调用两次 ``autoencoder.corrupt``（同一种子）/ Call the student's ``corrupt`` twice with
    ``default_rng(seed)``; returns both results and X as it is afterwards."""
    fn = _resolve("autoencoder", "corrupt")
    sent = X.copy()
    first = fn(X, float(noise), np.random.default_rng(int(seed)))
    mutated = not np.array_equal(X, sent, equal_nan=True)
    second = fn(sent.copy(), float(noise), np.random.default_rng(int(seed)))
    return {"first": first, "second": second, "mutated": mutated}


def pretrain(X: np.ndarray, sizes: list[int], kwargs: dict[str, Any]) -> dict[str, Any]:
    """运行学生的 ``autoencoder.pretrain_layers`` / Run the student's greedy pre-training on
    unlabelled X; the parent judges the encoders on labelled data this process never sees."""
    fn = _resolve("autoencoder", "pretrain_layers")
    with _quiet():
        weights, biases = fn(X, [int(s) for s in sizes], **kwargs)
    return {"weights": list(weights), "biases": list(biases)}


def descend(
    kind: str,
    coef: list[float],
    start: list[float],
    optimizer: str,
    lr: float,
    beta: float,
    steps: int,
) -> dict[str, Any]:
    """在二维函数上运行学生的 ``momentum.descend`` / Run the student's ``descend`` on a 2-D
    function built here from ``coef``: ``"saddle"`` f = a x⁴/4 − b x²/2 + c y²/2, or
    ``"ravine"`` f = ½(a x² + b y²)."""
    a, b, c = (float(v) for v in coef)

    def saddle(p: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = p
        return a * x**4 / 4 - b * x * x / 2 + c * y * y / 2, np.array([a * x**3 - b * x, c * y])

    def ravine(p: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = p
        return 0.5 * (a * x * x + b * y * y), np.array([a * x, b * y])

    fn = _resolve("momentum", "descend")
    objective = saddle if kind == "saddle" else ravine
    with _quiet():
        result = fn(objective, list(start), optimizer=optimizer, lr=lr, beta=beta, steps=steps)
    return {"result": result}
