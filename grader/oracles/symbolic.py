"""全连接网络的精确符号 oracle(sympy)/ Exact symbolic oracle (sympy) for fully connected nets.

The grader uses this module to check students' (and ``nncore``'s) forward passes, gradients and
gradient-descent updates. It is deliberately independent of every numpy forward/backward
implementation in the kit: the cost ``J`` is built as a sympy expression of symbols for every
weight, bias, input and target, derivatives come from ``sympy.diff``, and numbers are evaluated
with mpmath at ``DPS`` (= 40) significant digits before being rounded once to float64.

Conventions (binding across nnkit, lecture notation)
----------------------------------------------------
* Layer sizes ``[N_1, ..., N_L]`` with ``N_1`` inputs. Layer ``l`` has ``W^(l)`` of shape
  ``(N_l, N_{l+1})`` with ``W[j, i] = w_ji^(l)`` = weight **from unit j of layer l to unit i of
  layer l+1**, and bias ``b^(l+1)`` of shape ``(N_{l+1},)``.
* Forward: ``a^(1) = x``, ``z_i^(l+1) = Σ_j w_ji^(l) a_j^(l) + b_i^(l+1)``,
  ``a^(l+1) = f^(l+1)(z^(l+1))``.
* Flat parameter vector in the slide's order: per layer, ``W`` row-major
  (``w11, w12, w21, w22, ...`` = ``W[0,0], W[0,1], W[1,0], W[1,1], ...``) then ``b``.
* Activations: ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"`` (slope 0.01),
  ``"identity"``, ``"softmax"`` (output layer only). ReLU is ``Piecewise((0, z <= 0), (z, True))``
  so its derivative at exactly ``z = 0`` is **0**; Leaky ReLU is
  ``Piecewise((z/100, z <= 0), (z, True))`` so its derivative at 0 is **0.01** (the left branch).
* Losses, averaged over the ``m`` samples, ``J = (1/m) Σ_n l_n``: ``"mse"`` ``l = ½‖h − y‖²``;
  ``"bce"`` ``l = −Σ_k [y_k ln h_k + (1 − y_k) ln(1 − h_k)]`` (sigmoid output);
  ``"ce"`` ``l = −Σ_k y_k ln softmax(z)_k`` (softmax output). Optional weight decay adds
  ``λ/(2m) Σ w²`` over weights only (never biases).
* Gradient descent: ``θ' = θ − α ∂J/∂θ``, all derivatives at the old ``θ``.

Derivation strategy ("derive once, evaluate many times")
--------------------------------------------------------
Derivations are cached per ``(sizes, activations, loss, method)`` (``functools.lru_cache``);
evaluating a cached oracle costs milliseconds. The compiled code is also cached on disk, keyed
by a hash of this module's source and the sympy version (:mod:`grader.oracles.diskcache`), so
a new process loads it instead of deriving again. Two exact methods exist:

* ``"full"``: the per-sample loss ``l(θ; x, y)`` is one sympy expression of all parameter,
  input and target symbols; every ``∂l/∂θ_p`` is ``sympy.diff(l, θ_p)`` of that whole
  expression, compiled with common sub-expression elimination (``lambdify(..., cse=True)``).
  The sum over samples is done numerically (40 digits), each term being exact.
* ``"layered"``: naive differentiation of the whole expression grows combinatorially with depth
  (3 hidden layers x 5 units takes minutes), so deeper nets differentiate each layer map
  ``a^(l+1)(a^(l), W^(l), b^(l))`` and the loss ``l(a^(L), y)`` with ``sympy.diff`` (exact local
  Jacobians, cached per layer shape and shared between architectures) and compose them by the
  multivariate chain rule in 40-digit arithmetic. No hand-written derivative formula
  (``σ' = σ(1 − σ)`` etc.) appears anywhere.

``method="auto"`` (the default) uses ``"full"`` for nets with at most one hidden layer and no
ReLU-type (``Piecewise``) or softmax activation — this covers 例题1 and 练习题 — and
``"layered"`` otherwise (whole-expression derivatives of ``Piecewise``/softmax also blow up: a
2-3-3-2 ReLU/softmax net takes ~80 s, a 3-2-3 softmax net ~6 s).
The tests check that both methods agree.

Typical cold derivation times (2-core container, sympy 1.14): 例题1 ~0.5 s (full), 练习题 2-2-1
~0.3 s (full), 3-5-3 ~2.4 s (full), 3-5-5-5-3 ~0.6 s (layered); a 3-5-5-5-3 ``"full"``
derivation would take > 2 minutes. Evaluation of a cached oracle: ~2-25 ms per sample.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from grader.oracles import diskcache

__all__ = [
    "ACTIVATIONS",
    "DPS",
    "LOSSES",
    "Arch",
    "SymbolicMLP",
    "derivation_cache_info",
    "example1",
    "exercise",
    "exercise_arch",
    "forward_values",
    "gradient",
    "one_step_update",
    "param_names",
    "random_case",
]

#: Significant decimal digits used for every evaluation.
DPS = 40
#: Activation names understood by the oracle.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
#: Loss names understood by the oracle.
LOSSES = ("mse", "bce", "ce")
#: Slope of Leaky ReLU for z <= 0 (exact rational).
LEAKY_SLOPE = sp.Rational(1, 100)
#: ``method="auto"`` derives the whole expression when the net has at most this many hidden layers.
FULL_MAX_HIDDEN = 1

_METHODS = ("auto", "full", "layered")
# Activations whose whole-expression derivatives are slow to derive/compile ("auto" avoids them).
_COSTLY_FULL = ("relu", "leaky_relu", "softmax")
_MpValue = Any  # an ``mpmath.mpf``


# --------------------------------------------------------------------------------------------
# Architecture description
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arch:
    """网络结构描述(可哈希)/ Hashable description of an MLP for the oracle.

    Attributes:
        sizes: layer sizes ``(N_1, ..., N_L)``, ``N_1`` = number of inputs, ``L >= 2``.
        activations: one name per non-input layer (length ``L − 1``); a single string is
            broadcast to every layer. ``"softmax"`` is allowed on the output layer only.
        loss: ``"mse"``, ``"bce"`` (needs a sigmoid output) or ``"ce"`` (needs a softmax output).
        weight_decay: whether ``J`` contains the term ``λ/(2m) Σ w²`` (weights only).
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str = "mse"
    weight_decay: bool = False

    def __post_init__(self) -> None:
        sizes = tuple(int(s) for s in self.sizes)
        if len(sizes) < 2 or any(s < 1 for s in sizes):
            raise ValueError(f"sizes must have >= 2 positive entries, got {self.sizes!r}")
        acts = self.activations
        acts = (acts,) * (len(sizes) - 1) if isinstance(acts, str) else tuple(acts)
        if len(acts) != len(sizes) - 1:
            raise ValueError(
                f"need {len(sizes) - 1} activations (one per non-input layer), got {len(acts)}"
            )
        for k, name in enumerate(acts):
            if name not in ACTIVATIONS:
                raise ValueError(f"unknown activation {name!r}; choose from {ACTIVATIONS}")
            if name == "softmax" and k != len(acts) - 1:
                raise ValueError("softmax is only allowed on the output layer")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; choose from {LOSSES}")
        if self.loss == "bce" and acts[-1] != "sigmoid":
            raise ValueError("loss 'bce' needs a sigmoid output layer")
        if self.loss == "ce" and acts[-1] != "softmax":
            raise ValueError("loss 'ce' needs a softmax output layer")
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "activations", acts)
        object.__setattr__(self, "weight_decay", bool(self.weight_decay))

    @property
    def n_params(self) -> int:
        """参数总数 / Length of the flat parameter vector."""
        return sum(n * k + k for n, k in zip(self.sizes[:-1], self.sizes[1:], strict=True))

    @property
    def n_hidden(self) -> int:
        """隐含层层数 / Number of hidden layers (``L − 2``)."""
        return len(self.sizes) - 2


def param_names(sizes: Sequence[int]) -> list[str]:
    """按课件顺序的参数名 / Parameter names in the slide's flat order.

    ``w{j}{i}^(l)`` is ``W^(l)[j-1, i-1]`` (from unit j of layer l to unit i of layer l+1) and
    ``b{i}^(l+1)`` the bias of unit i of layer l+1, e.g. for ``[2, 2, 2]``:
    ``w11^(1), w12^(1), w21^(1), w22^(1), b1^(2), b2^(2), w11^(2), ..., b2^(3)``.
    When a layer has more than 9 units the indices are separated by a comma (``w1,12^(1)``).

    Args:
        sizes: layer sizes ``(N_1, ..., N_L)``.

    Returns:
        list of ``sum_l (N_l + 1) N_{l+1}`` names.
    """
    names: list[str] = []
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        sep = "," if max(n_in, n_out) > 9 else ""
        names += [
            f"w{j}{sep}{i}^({layer})" for j in range(1, n_in + 1) for i in range(1, n_out + 1)
        ]
        names += [f"b{i}^({layer + 1})" for i in range(1, n_out + 1)]
    return names


# --------------------------------------------------------------------------------------------
# Symbolic building blocks
# --------------------------------------------------------------------------------------------


def _activation(name: str, z: list[sp.Expr]) -> list[sp.Expr]:
    """激活函数的符号表达式 / Symbolic activation applied to the pre-activations ``z``."""
    if name == "sigmoid":
        return [1 / (1 + sp.exp(-zi)) for zi in z]
    if name == "tanh":
        return [sp.tanh(zi) for zi in z]
    if name == "relu":  # derivative at exactly 0 is 0 (left branch)
        return [sp.Piecewise((sp.Integer(0), zi <= 0), (zi, True)) for zi in z]
    if name == "leaky_relu":  # derivative at exactly 0 is 0.01 (left branch)
        return [sp.Piecewise((LEAKY_SLOPE * zi, zi <= 0), (zi, True)) for zi in z]
    if name == "identity":
        return list(z)
    if name == "softmax":
        total = sp.Add(*[sp.exp(zi) for zi in z])
        return [sp.exp(zi) / total for zi in z]
    raise ValueError(f"unknown activation {name!r}")


def _layer(
    a_in: Sequence[sp.Expr], w: list[list[sp.Symbol]], b: list[sp.Symbol], act: str
) -> tuple[list[sp.Expr], list[sp.Expr]]:
    """一层的前向表达式 / ``z_i = Σ_j w[j][i] a_j + b_i`` and ``a = f(z)`` for one layer."""
    z = [sp.Add(*[w[j][i] * a_in[j] for j in range(len(a_in))], b[i]) for i in range(len(b))]
    return z, _activation(act, z)


def _sample_loss(loss: str, h: Sequence[sp.Expr], y: Sequence[sp.Symbol]) -> sp.Expr:
    """单样本损失 l(h, y) / Per-sample loss as a sympy expression."""
    if loss == "mse":
        return sp.Rational(1, 2) * sp.Add(*[(hk - yk) ** 2 for hk, yk in zip(h, y, strict=True)])
    if loss == "bce":
        return -sp.Add(
            *[yk * sp.log(hk) + (1 - yk) * sp.log(1 - hk) for hk, yk in zip(h, y, strict=True)]
        )
    if loss == "ce":
        return -sp.Add(*[yk * sp.log(hk) for hk, yk in zip(h, y, strict=True)])
    raise ValueError(f"unknown loss {loss!r}")


def _symbols(
    sizes: tuple[int, ...],
) -> tuple[
    list[sp.Symbol],
    list[list[list[sp.Symbol]]],
    list[list[sp.Symbol]],
    list[sp.Symbol],
    list[sp.Symbol],
]:
    """全部符号 / All symbols: flat params, per-layer W and b, inputs x, targets y."""
    flat = [sp.Symbol(name, real=True) for name in param_names(sizes)]
    ws: list[list[list[sp.Symbol]]] = []
    bs: list[list[sp.Symbol]] = []
    pos = 0
    for n_in, n_out in itertools.pairwise(sizes):
        ws.append([flat[pos + j * n_out : pos + (j + 1) * n_out] for j in range(n_in)])
        pos += n_in * n_out
        bs.append(flat[pos : pos + n_out])
        pos += n_out
    x = list(sp.symbols(f"x1:{sizes[0] + 1}", real=True))
    y = list(sp.symbols(f"y1:{sizes[-1] + 1}", real=True))
    return flat, ws, bs, x, y


@dataclass
class _Derivation:
    """一次推导的结果(缓存)/ Cached result of one derivation (internal)."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    method: str
    params: list[sp.Symbol]
    layer_params: list[list[sp.Symbol]]
    x: list[sp.Symbol]
    y: list[sp.Symbol]
    sample_loss: sp.Expr | None
    gradient_exprs: list[sp.Expr] | None
    layer_funcs: list[Callable[..., Any]]
    loss_func: Callable[..., Any]
    full_func: Callable[..., Any] | None


@functools.cache
def _derive_layer(n_in: int, n_out: int, act: str) -> Callable[..., Any]:
    """一层映射及其精确局部雅可比 / One layer map and its exact local Jacobians (cached).

    Returns a function ``(a_in, θ_layer) -> (z, a, ∂a/∂a_in, ∂a/∂θ_layer)`` where ``θ_layer`` is
    ``W`` row-major then ``b`` (the slide's order), ``∂a/∂a_in`` is ``(n_out, n_in)`` and
    ``∂a/∂θ_layer`` is ``(n_out, n_in·n_out + n_out)``; every entry comes from ``sympy.diff``.
    Shared by all architectures containing this layer shape.
    """

    def build() -> tuple[list[Any], Any, bool]:
        a_in = [sp.Symbol(f"a{j}", real=True) for j in range(1, n_in + 1)]
        w = [
            [sp.Symbol(f"w{j}_{i}", real=True) for i in range(1, n_out + 1)]
            for j in range(1, n_in + 1)
        ]
        b = [sp.Symbol(f"b{i}", real=True) for i in range(1, n_out + 1)]
        theta = [p for row in w for p in row] + b
        z, a = _layer(a_in, w, b, act)
        jac_a = [[sp.diff(ai, aj) for aj in a_in] for ai in a]
        jac_p = [[sp.diff(ai, p) for p in theta] for ai in a]
        return [a_in, theta], [z, a, jac_a, jac_p], False

    return diskcache.compiled("layer", (n_in, n_out, act), build)


@functools.cache
def _derive_loss(n_out: int, loss: str) -> Callable[..., Any]:
    """损失及其对输出的导数 / ``(h, y) -> (l, ∂l/∂h)`` from ``sympy.diff`` (cached)."""

    def build() -> tuple[list[Any], Any, bool]:
        h = [sp.Symbol(f"h{k}", real=True) for k in range(1, n_out + 1)]
        y = [sp.Symbol(f"y{k}", real=True) for k in range(1, n_out + 1)]
        loss_h = _sample_loss(loss, h, y)
        return [h, y], [loss_h, [sp.diff(loss_h, hk) for hk in h]], False

    return diskcache.compiled("loss", (n_out, loss), build)


@functools.cache
def _derive(
    sizes: tuple[int, ...], activations: tuple[str, ...], loss: str, method: str
) -> _Derivation:
    """推导并编译(每种结构只做一次)/ Derive and compile once per architecture and method."""
    params, ws, bs, x, y = _symbols(sizes)
    layer_params = [[w for row in wl for w in row] + bl for wl, bl in zip(ws, bs, strict=True)]

    # Layer maps a^(l) -> (z^(l+1), a^(l+1)) with their exact local Jacobians.
    layer_funcs = [
        _derive_layer(n_in, n_out, act)
        for (n_in, n_out), act in zip(itertools.pairwise(sizes), activations, strict=True)
    ]
    loss_func = _derive_loss(sizes[-1], loss)

    sample_loss = gradient_exprs = full_func = None
    if method == "full":

        def build() -> tuple[list[Any], Any, bool]:
            nonlocal sample_loss, gradient_exprs
            a_expr: list[sp.Expr] = list(x)
            for wl, bl, act in zip(ws, bs, activations, strict=True):
                _, a_expr = _layer(a_expr, wl, bl, act)
            sample_loss = _sample_loss(loss, a_expr, y)
            gradient_exprs = [sp.diff(sample_loss, p) for p in params]
            return [params, x, y], [sample_loss, gradient_exprs], True

        # From the on-disk cache when possible: then the expressions are rebuilt on demand.
        full_func = diskcache.compiled("full", (sizes, activations, loss), build)

    return _Derivation(
        sizes=sizes,
        activations=activations,
        loss=loss,
        method=method,
        params=params,
        layer_params=layer_params,
        x=x,
        y=y,
        sample_loss=sample_loss,
        gradient_exprs=gradient_exprs,
        layer_funcs=layer_funcs,
        loss_func=loss_func,
        full_func=full_func,
    )


@functools.cache
def _derive_regulariser(sizes: tuple[int, ...]) -> Callable[..., Any]:
    """权重衰减项 λ/(2m) Σ w² 及其导数 / Weight-decay term and its exact gradient."""

    def build() -> tuple[list[Any], Any, bool]:
        params, ws, _, _, _ = _symbols(sizes)
        lam, m = sp.symbols("lambda m", positive=True)
        reg = lam / (2 * m) * sp.Add(*[w**2 for wl in ws for row in wl for w in row])
        return [params, lam, m], [reg, [sp.diff(reg, p) for p in params]], True

    return diskcache.compiled("regulariser", (sizes,), build)


def derivation_cache_info() -> functools._CacheInfo:
    """推导缓存统计 / ``cache_info()`` of the derivation cache (hits = reuses, misses = derivations)."""
    return _derive.cache_info()


# --------------------------------------------------------------------------------------------
# Numeric conversion (exact binary value of floats, decimal strings at DPS digits)
# --------------------------------------------------------------------------------------------


def _mp(value: Any) -> _MpValue:
    """转换为 mpf / Convert one number to ``mpf`` (floats exactly; str/Rational at DPS digits)."""
    if isinstance(value, str):
        out = mpmath.mpf(value)
    elif isinstance(value, sp.Rational):
        out = mpmath.mpf(int(value.p)) / int(value.q)
    elif isinstance(value, (int, np.integer)):
        out = mpmath.mpf(int(value))
    else:
        out = mpmath.mpf(float(value))  # exact: a float64 is a dyadic rational
    if not mpmath.isfinite(out):
        raise ValueError(f"non-finite value {value!r}")
    return out


def _mp_vector(values: Any, n: int, what: str) -> list[_MpValue]:
    """一维向量 / Convert a length-``n`` vector."""
    arr = np.asarray(values, dtype=object).reshape(-1)
    if arr.size != n:
        raise ValueError(f"{what} must have {n} entries, got {arr.size}")
    return [_mp(v) for v in arr]


def _mp_samples(
    X: Any, Y: Any, n_in: int, n_out: int
) -> tuple[list[list[_MpValue]], list[list[_MpValue]]]:
    """样本矩阵 / ``X`` (m, N_1) and ``Y`` (m, N_L); 1-D inputs mean one sample (or N_L = 1)."""
    xa = np.asarray(X, dtype=object)
    ya = np.asarray(Y, dtype=object)
    if xa.ndim == 1:
        xa = xa.reshape(1, -1)
        ya = ya.reshape(1, -1)
    elif xa.ndim != 2:
        raise ValueError(f"X must be 1-D or 2-D, got shape {xa.shape}")
    m = xa.shape[0]
    ya = ya.reshape(m, -1) if ya.size == m * n_out else ya
    if xa.shape != (m, n_in) or ya.shape != (m, n_out) or m < 1:
        raise ValueError(
            f"expected X of shape (m, {n_in}) and Y of shape (m, {n_out}), "
            f"got {np.shape(X)} and {np.shape(Y)}"
        )
    return [[_mp(v) for v in row] for row in xa], [[_mp(v) for v in row] for row in ya]


def _floats(values: Sequence[_MpValue]) -> np.ndarray:
    """mpf 列表转 float64 / Round a list of ``mpf`` to a float64 array."""
    return np.array([float(v) for v in values], dtype=np.float64)


# --------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------


class SymbolicMLP:
    """全连接网络的符号 oracle / Symbolic (sympy) oracle for one MLP architecture.

    Construction is cheap after the first time: the derivation is cached per
    ``(sizes, activations, loss, method)``.

    Args:
        sizes: layer sizes ``(N_1, ..., N_L)``.
        activations: one activation name per non-input layer, or one name for all.
        loss: ``"mse"``, ``"bce"`` or ``"ce"`` (averaged over samples).
        weight_decay: include ``λ/(2m) Σ w²`` (weights only); required for ``lam != 0``.
        method: ``"auto"`` (default), ``"full"`` or ``"layered"`` (see the module docstring).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Sequence[str],
        loss: str = "mse",
        weight_decay: bool = False,
        method: str = "auto",
    ) -> None:
        self.arch = Arch(tuple(sizes), activations, loss, weight_decay)  # type: ignore[arg-type]
        if method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
        if method == "auto":
            costly = any(a in _COSTLY_FULL for a in self.arch.activations)
            small = self.arch.n_hidden <= FULL_MAX_HIDDEN and not costly
            method = "full" if small else "layered"
        self.method = method
        self._d = _derive(self.arch.sizes, self.arch.activations, self.arch.loss, method)
        self._reg = _derive_regulariser(self.arch.sizes) if self.arch.weight_decay else None

    @classmethod
    def from_arch(cls, arch: Arch, method: str = "auto") -> SymbolicMLP:
        """由 Arch 构造 / Build (or fetch from cache) the oracle for ``arch``."""
        return cls(arch.sizes, arch.activations, arch.loss, arch.weight_decay, method)

    def __repr__(self) -> str:
        return f"SymbolicMLP({self.arch!r}, method={self.method!r})"

    # ---- symbolic views --------------------------------------------------------------------

    @property
    def params(self) -> list[sp.Symbol]:
        """参数符号(课件顺序)/ Parameter symbols in the slide's flat order."""
        return list(self._d.params)

    @property
    def param_names(self) -> list[str]:
        """参数名 / Parameter names, e.g. ``"w21^(1)"``, ``"b1^(3)"``."""
        return [str(p) for p in self._d.params]

    @property
    def gradient_exprs(self) -> list[sp.Expr] | None:
        """单样本梯度表达式 / ``[∂l/∂θ_p]`` (slide order) from ``sympy.diff``; ``None`` if layered."""
        if self._d.gradient_exprs is None and self.method == "full":  # compiled from the cache
            loss = self.sample_loss_expr()
            self._d.gradient_exprs = [sp.diff(loss, p) for p in self._d.params]
        return None if self._d.gradient_exprs is None else list(self._d.gradient_exprs)

    def sample_loss_expr(self) -> sp.Expr:
        """单样本损失表达式 / ``l(θ; x, y)`` as one sympy expression of all symbols."""
        if self._d.sample_loss is not None:
            return self._d.sample_loss
        _, ws, bs, x, y = _symbols(self.arch.sizes)
        a: list[sp.Expr] = list(x)
        for wl, bl, act in zip(ws, bs, self.arch.activations, strict=True):
            _, a = _layer(a, wl, bl, act)
        return _sample_loss(self.arch.loss, a, y)

    def cost_expr(self, m: int) -> sp.Expr:
        """m 个样本的目标函数 J / ``J`` for ``m`` samples with symbols ``x_k^[n]``, ``y_k^[n]``.

        Returns ``(1/m) Σ_n l(θ; x^[n], y^[n])`` (plus ``λ/(2m) Σ w²`` when ``weight_decay``).
        """
        base = self.sample_loss_expr()
        terms = []
        for n in range(1, m + 1):
            sub = {s: sp.Symbol(f"{s}^[{n}]", real=True) for s in (*self._d.x, *self._d.y)}
            terms.append(base.xreplace(sub))
        cost = sp.Add(*terms) / m
        if self.arch.weight_decay:
            lam = sp.Symbol("lambda", positive=True)
            weights = [p for p in self._d.params if str(p).startswith("w")]
            cost += lam / (2 * m) * sp.Add(*[w**2 for w in weights])
        return cost

    # ---- exact evaluation ------------------------------------------------------------------

    def _split(self, theta: list[_MpValue]) -> list[list[_MpValue]]:
        out, pos = [], 0
        for lp in self._d.layer_params:
            out.append(theta[pos : pos + len(lp)])
            pos += len(lp)
        return out

    def _forward_mp(
        self, theta: list[_MpValue], x: list[_MpValue]
    ) -> list[tuple[list[_MpValue], list[_MpValue], list[list[_MpValue]], list[list[_MpValue]]]]:
        """逐层前向(含局部雅可比)/ Per layer ``(z, a, ∂a/∂a_in, ∂a/∂θ_layer)``."""
        out, a = [], x
        for func, th in zip(self._d.layer_funcs, self._split(theta), strict=True):
            z, a, jac_a, jac_p = func(a, th)
            out.append((z, a, jac_a, jac_p))
        return out

    def _sample_mp(
        self, theta: list[_MpValue], x: list[_MpValue], y: list[_MpValue]
    ) -> tuple[_MpValue, list[_MpValue]]:
        """单样本损失与梯度 / Per-sample ``l`` and ``∂l/∂θ`` (exact to DPS digits)."""
        if self._d.full_func is not None:
            value, grad = self._d.full_func(theta, x, y)
            return value, list(grad)
        layers = self._forward_mp(theta, x)
        value, g = self._d.loss_func(layers[-1][1], y)
        grads: list[list[_MpValue]] = []
        for _, _, jac_a, jac_p in reversed(layers):  # chain rule, output layer first
            grads.append(
                [
                    mpmath.fsum(gi * row[p] for gi, row in zip(g, jac_p, strict=True))
                    for p in range(len(jac_p[0]))
                ]
            )
            g = [
                mpmath.fsum(gi * row[j] for gi, row in zip(g, jac_a, strict=True))
                for j in range(len(jac_a[0]))
            ]
        return value, [v for layer in reversed(grads) for v in layer]

    def _cost_mp(
        self, flat_params: Any, X: Any, Y: Any, lam: Any = 0.0
    ) -> tuple[list[_MpValue], _MpValue, list[_MpValue]]:
        """θ、J、∂J/∂θ(须在 workdps 中调用)/ ``(θ, J, ∂J/∂θ)`` as mpf; call inside workdps."""
        arch = self.arch
        theta = _mp_vector(flat_params, arch.n_params, "flat_params")
        xs, ys = _mp_samples(X, Y, arch.sizes[0], arch.sizes[-1])
        m = len(xs)
        total = mpmath.mpf(0)
        grad = [mpmath.mpf(0)] * arch.n_params
        for x, y in zip(xs, ys, strict=True):
            value, g = self._sample_mp(theta, x, y)
            total += value
            grad = [a + b for a, b in zip(grad, g, strict=True)]
        cost = total / m
        grad = [g / m for g in grad]
        lam_mp = _mp(lam)
        if lam_mp != 0:
            if self._reg is None:
                raise ValueError("lam != 0 needs an architecture built with weight_decay=True")
            reg, reg_grad = self._reg(theta, lam_mp, m)
            cost += reg
            grad = [a + b for a, b in zip(grad, reg_grad, strict=True)]
        return theta, cost, grad

    def gradient(
        self, flat_params: Any, X: Any, Y: Any, lam: float = 0.0
    ) -> tuple[float, np.ndarray]:
        """精确的 J 与梯度 / Exact ``J`` and ``∂J/∂θ`` (slide order), rounded once to float64.

        Args:
            flat_params: ``(P,)`` parameters in the slide's order.
            X: ``(m, N_1)`` inputs (a 1-D ``(N_1,)`` array is one sample).
            Y: ``(m, N_L)`` targets (``(m,)`` allowed when ``N_L = 1``).
            lam: weight-decay ``λ`` (needs ``weight_decay=True``).

        Returns:
            ``(J, grad)`` with ``grad`` of shape ``(P,)``.
        """
        with mpmath.workdps(DPS):
            _, cost, grad = self._cost_mp(flat_params, X, Y, lam)
            return float(cost), _floats(grad)

    def one_step_update(
        self, flat_params: Any, X: Any, Y: Any, alpha: float, lam: float = 0.0
    ) -> np.ndarray:
        """一次梯度下降更新 / One simultaneous step ``θ' = θ − α ∂J/∂θ`` (computed exactly).

        Shapes as in :meth:`gradient`; returns the new ``(P,)`` parameter vector.
        """
        with mpmath.workdps(DPS):
            theta, _, grad = self._cost_mp(flat_params, X, Y, lam)
            a = _mp(alpha)
            return _floats([t - a * g for t, g in zip(theta, grad, strict=True)])

    def forward_values(self, flat_params: Any, x: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        """逐层 (z, a) / Exact ``(z^(l), a^(l))`` for ``l = 2..L`` for one sample.

        Args:
            flat_params: ``(P,)`` parameters in the slide's order.
            x: ``(N_1,)`` one input sample.

        Returns:
            list of length ``L − 1``; entry ``k`` is ``(z^(k+2), a^(k+2))``, each ``(N_{k+2},)``
            (the input layer ``a^(1) = x`` has no ``z`` and is not included).
        """
        with mpmath.workdps(DPS):
            theta = _mp_vector(flat_params, self.arch.n_params, "flat_params")
            xs = _mp_vector(x, self.arch.sizes[0], "x")
            return [(_floats(z), _floats(a)) for z, a, _, _ in self._forward_mp(theta, xs)]


def _model(arch: Arch | SymbolicMLP) -> SymbolicMLP:
    return arch if isinstance(arch, SymbolicMLP) else SymbolicMLP.from_arch(arch)


def gradient(
    arch: Arch | SymbolicMLP, flat_params: Any, X: Any, Y: Any, lam: float = 0.0
) -> tuple[float, np.ndarray]:
    """精确的 J 与 ∂J/∂θ / Exact ``(J, grad_flat)``; see :meth:`SymbolicMLP.gradient`.

    Args:
        arch: architecture (derivation cached) or an oracle instance.
        flat_params: ``(P,)`` in the slide's order. X: ``(m, N_1)``. Y: ``(m, N_L)``.
        lam: weight decay ``λ`` (``arch.weight_decay`` must be true when non-zero).

    Returns:
        ``(J, grad)`` with ``grad`` of shape ``(P,)`` in the slide's order.
    """
    return _model(arch).gradient(flat_params, X, Y, lam)


def forward_values(
    arch: Arch | SymbolicMLP, flat_params: Any, x: Any
) -> list[tuple[np.ndarray, np.ndarray]]:
    """逐层精确前向值 / Exact ``[(z^(2), a^(2)), ..., (z^(L), a^(L))]`` for one ``(N_1,)`` input."""
    return _model(arch).forward_values(flat_params, x)


def one_step_update(
    arch: Arch | SymbolicMLP, flat_params: Any, X: Any, Y: Any, alpha: float, lam: float = 0.0
) -> np.ndarray:
    """一次梯度下降后的参数 / ``θ − α ∂J/∂θ`` as a ``(P,)`` array; shapes as in :func:`gradient`."""
    return _model(arch).one_step_update(flat_params, X, Y, alpha, lam)


# --------------------------------------------------------------------------------------------
# 例题1, 练习题 and randomised cases
# --------------------------------------------------------------------------------------------

#: 例题1's network: 2-2-2, sigmoid everywhere, J = ½ Σ_j (y_j − a_j^(3))² (one sample).
EXAMPLE1_ARCH = Arch((2, 2, 2), ("sigmoid", "sigmoid"), "mse")
# Inputs of 例题1 as exact decimals (the slide's W vector prints the second entry as "03": 0.3).
_EX1_THETA = ("0.2", "0.3", "0.4", "0.5", "0.3", "0.3", "0.7", "0.5", "0.8", "0.3", "0.5", "0.5")
_EX1_X = ("0.4", "0.6")
_EX1_Y = ("0.6", "0.6")
_EX1_ALPHA = "0.1"


def example1() -> dict[str, Any]:
    """例题1 的精确结果 / Exact results of 例题1 (sympy derivative, 40-digit evaluation).

    The inputs are the exact decimals of the slide (not their float64 approximations).
    Names follow the slide's W vector (``w21^(2)`` is the 0.8 weight). The slide's own text
    labels the second-layer updates transposed ("w12^(2) = 0.7979" is the 0.8 weight, exact
    0.79782; "w21^(2) = 0.4982" is the 0.5 weight, exact 0.49828), and its first-layer results
    (∂J/∂w11^(1) ≈ −0.053, 0.2053, 0.4098, 0.3044, 0.5026) do not follow from its network: the
    exact first-layer gradients are all positive, ≈ 0.003-0.005.

    Returns:
        dict with keys ``"names"`` (12 parameter names, slide order), ``"params"``, ``"x"``,
        ``"y"``, ``"alpha"`` (float64 copies of the inputs), ``"z2"``, ``"h"`` (hidden ``z^(2)``,
        ``a^(2)``, shape (2,)), ``"z3"``, ``"outputs"`` (``z^(3)``, ``a^(3)``, shape (2,)),
        ``"J"`` (float), ``"grad"`` / ``"updated"`` (name -> float for ∂J/∂θ and θ − α ∂J/∂θ),
        ``"grad_flat"`` / ``"updated_flat"`` (the same as (12,) arrays).
    """
    model = SymbolicMLP.from_arch(EXAMPLE1_ARCH)
    with mpmath.workdps(DPS):
        theta, cost, grad = model._cost_mp(_EX1_THETA, [_EX1_X], [_EX1_Y])
        layers = model._forward_mp(theta, [_mp(v) for v in _EX1_X])
        alpha = _mp(_EX1_ALPHA)
        updated = [t - alpha * g for t, g in zip(theta, grad, strict=True)]
        names = model.param_names
        grad_f, upd_f = _floats(grad), _floats(updated)
        return {
            "names": names,
            "params": _floats(theta),
            "x": _floats([_mp(v) for v in _EX1_X]),
            "y": _floats([_mp(v) for v in _EX1_Y]),
            "alpha": float(alpha),
            "z2": _floats(layers[0][0]),
            "h": _floats(layers[0][1]),
            "z3": _floats(layers[1][0]),
            "outputs": _floats(layers[1][1]),
            "J": float(cost),
            "grad": dict(zip(names, grad_f.tolist(), strict=True)),
            "updated": dict(zip(names, upd_f.tolist(), strict=True)),
            "grad_flat": grad_f,
            "updated_flat": upd_f,
        }


def exercise_arch(loss: str = "mse") -> Arch:
    """练习题的网络结构 / The 练习题 net: 2-2-1, sigmoid hidden, single sigmoid output.

    Flat order (9 params): ``w11^(1), w12^(1), w21^(1), w22^(1), b1^(2), b2^(2), w11^(2),
    w21^(2), b1^(3)``.
    """
    if loss not in ("mse", "bce"):
        raise ValueError(f"练习题 loss must be 'mse' or 'bce', got {loss!r}")
    return Arch((2, 2, 1), ("sigmoid", "sigmoid"), loss)


def exercise(flat_params: Any, X: Any, Y: Any, alpha: float, loss: str = "mse") -> np.ndarray:
    """练习题:对学生自己的样本重算一次更新 / Recompute the 练习题 one-step update exactly.

    Args:
        flat_params: ``(9,)`` initial parameters of the 2-2-1 net (order: :func:`exercise_arch`).
        X: ``(m, 2)`` the student's samples. Y: ``(m,)`` or ``(m, 1)`` labels/targets.
        alpha: learning rate ``α``.
        loss: ``"mse"`` (½(h − y)²) or ``"bce"`` (binary cross-entropy), averaged over ``m``.

    Returns:
        ``(9,)`` parameters after one gradient-descent step.
    """
    return one_step_update(exercise_arch(loss), flat_params, X, Y, alpha)


def random_case(seed: int) -> tuple[Arch, np.ndarray, np.ndarray, np.ndarray]:
    """随机小网络测试用例 / Seeded random small case ``(arch, flat, X, Y)``.

    1–3 hidden layers of 1–5 units (each sigmoid or tanh), 1–3 inputs and outputs, sigmoid
    output with "mse"; weights and biases uniform in [−1, 1], inputs uniform in [−1, 1],
    targets uniform in [0, 1], ``m`` in 1..4. Reproducible via ``np.random.default_rng(seed)``.

    Returns:
        ``arch``, ``flat`` ``(P,)``, ``X`` ``(m, N_1)``, ``Y`` ``(m, N_L)``.
    """
    rng = np.random.default_rng(seed)
    n_hidden = int(rng.integers(1, 4))
    hidden = [int(v) for v in rng.integers(1, 6, size=n_hidden)]
    n_in, n_out = (int(v) for v in rng.integers(1, 4, size=2))
    acts = [str(rng.choice(["sigmoid", "tanh"])) for _ in range(n_hidden)] + ["sigmoid"]
    arch = Arch((n_in, *hidden, n_out), tuple(acts), "mse")
    m = int(rng.integers(1, 5))
    flat = rng.uniform(-1.0, 1.0, size=arch.n_params)
    X = rng.uniform(-1.0, 1.0, size=(m, n_in))
    Y = rng.uniform(0.0, 1.0, size=(m, n_out))
    return arch, flat, X, Y
