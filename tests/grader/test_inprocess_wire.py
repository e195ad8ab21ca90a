"""进程内运行器的协议往返 = 沙箱协议 / The in-process wire copy equals the sandbox protocol.

:class:`grader.inprocess.InProcessRunner` (the reference sweep and the accuracy bank) gives
checks the value a sandbox round trip would give, without the JSON/base64 text in between.
Here :func:`grader.inprocess.wire_copy` is compared with ``decode(encode(value))`` on every
kind of value the protocol knows, and on the replies of real training tasks.
"""

from __future__ import annotations

import collections
import math
from typing import Any

import numpy as np
import pytest

from grader.inprocess import wire_copy
from grader.sandbox.protocol import MAX_DEPTH, ProtocolError, decode, encode

Point = collections.namedtuple("Point", "x y")


class Sub(np.ndarray):
    """ndarray 的子类（线上变成普通数组）/ An ndarray subclass (a plain array on the wire)."""


class Opaque:
    """没有线上形式的对象 / An object without a wire form (becomes a handle)."""


def _protocol(value: Any) -> tuple[Any, list[Any]]:
    table: list[Any] = []

    def store(obj: Any) -> dict[str, Any]:
        table.append(obj)
        return {"__handle__": len(table) - 1, "type": type(obj).__name__}

    return decode(encode(value, store), lambda tag: table[tag["__handle__"]]), table


def _same(a: Any, b: Any) -> None:
    """类型、值、dtype、内存布局都相同 / Same type, value, dtype and memory layout."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.flags.c_contiguous == b.flags.c_contiguous
        assert a.flags.f_contiguous == b.flags.f_contiguous
        assert a.flags.writeable and b.flags.writeable and a.flags.owndata == b.flags.owndata
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    elif isinstance(a, np.generic):
        assert a.dtype == b.dtype and (a == b or (np.isnan(a) and np.isnan(b)))
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b) or all(
            (isinstance(k, float) and math.isnan(k)) or k == j for k, j in zip(a, b, strict=True)
        )
        for x, y in zip(a.values(), b.values(), strict=True):
            _same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b or a is b


def _nested(depth: int) -> list[Any]:
    value: list[Any] = [1.5]
    for _ in range(depth):
        value = [value]
    return value


rng = np.random.default_rng(0)
grid = rng.normal(size=(4, 5))
VALUES: list[Any] = [
    None, True, 0, -7, 2**70, 1.25, float("nan"), float("inf"), -float("inf"), "文字 text",
    complex(1, -2), b"\x00bytes", [], (), {},
    grid, np.asfortranarray(grid), grid[:, ::2], grid.T, grid[1], np.float32(2.5),
    np.int64(3), np.bool_(True), np.complex128(1 + 2j), np.array(3.0), np.zeros((0, 3)),
    np.arange(6, dtype=">f8").reshape(2, 3), np.array([True, False]), np.array([1, 255], np.uint8),
    np.array([1.5], np.float16), grid.view(Sub), np.array(["a", "b"]), np.array([1, "x"], object),
    np.datetime64("2026-12-01"),
    Point(1, np.ones(2)), (1, [2, (3, {"k": np.ones(1)})]),
    {"a": 1, 2: [np.ones(2)], 3.5: None, None: "n", True: (1,), float("nan"): 0.0},
    {(1, 2): "tuple key"}, {"obj": Opaque()}, Opaque(), {1, 2}, range(3),
    _nested(MAX_DEPTH - 2), [[np.ones((2, 2), order="F")] * 3],
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=[type(v).__name__ for v in VALUES])
def test_wire_copy_equals_protocol(value: Any) -> None:
    """每种值：与协议往返完全一致 / For every kind of value: exactly the protocol's result."""
    kept: list[Any] = []
    got = wire_copy(value, kept.append)
    want, table = _protocol(value)
    _same(got, want)
    assert [id(x) for x in kept] == [id(x) for x in table]  # the same objects kept, same order


def test_too_deep_is_refused_as_by_the_protocol() -> None:
    """嵌套过深：两者都拒绝 / Nested deeper than the protocol allows: both refuse."""
    with pytest.raises(ProtocolError):
        _protocol(_nested(MAX_DEPTH + 3))
    with pytest.raises(ProtocolError):
        wire_copy(_nested(MAX_DEPTH + 3))


def test_arrays_are_copies() -> None:
    """数组是副本：改动不影响原值 / Arrays come back as copies (a change does not leak)."""
    value = {"w": grid.copy()}
    got = wire_copy(value)
    got["w"][0, 0] = 99.0
    assert value["w"][0, 0] == grid[0, 0]


def test_training_reply_equals_protocol() -> None:
    """真实的训练回复（参数列表、统计量）/ A real training reply round-trips identically."""
    from grader.suites import a3

    setup = a3.example2_setup(np.random.default_rng(3))
    setup = {**setup, "spec": {**setup["spec"], "epochs": 5}}
    reply = a3.fit_reference(setup)
    _same(wire_copy(reply), _protocol(reply)[0])
