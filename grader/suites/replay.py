"""参考数据作为输入 / Reference-built inputs: one mistake costs one task.

A task that tests one stub must not lose points because another of the student's stubs is
wrong. Two kinds of plain data make that possible without sending solution code to the worker:

* **plain caches** — the reference forward pass's caches as ``((a, W), (z, a', {"activation":
  name}))`` per layer; the worker (``_nnkit_driver.rebuild``) turns ``{"activation": name}``
  into the student's own (given) ``activations.get_activation(name)``, so the student's
  ``mlp_backward`` receives exactly what its contract promises;
* **answer tables** (:func:`replay`) — for the calls a *correct* function makes to the
  student's OTHER stubs (``dense_forward`` inside ``mlp_forward`` …), the reference's answers.
  While the tested function runs, the worker answers those calls from the table; any other
  call goes to the student's own function (``_nnkit_driver.invoke_replayed``).

A table holds no argument values and no readable answers: its key is a hash of the call's
exact arguments (canonical float64 bytes), and each answer is masked (XOR with SHAKE-256 of a
second hash of the same arguments). So the table reveals an answer only to the call a correct
function makes, with the reference's arguments — what an honest composition would get anyway.

The worker side lives in ``grader/driver/_nnkit_driver.py`` (``_canon``, ``_replay_key``,
``_unmask``): the driver cannot import the grader across the trust boundary, so the few lines
that must agree are repeated there; ``tests/grader/test_a2_collateral.py`` checks they agree.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np


def plain_caches(caches: list[Any]) -> list[Any]:
    """nncore 的缓存 → 普通数据 / nncore layer caches as plain data (activation → its name).

    ``[((a, W), (z, a', f)), …]`` → ``[((a, W), (z, a', {"activation": f.name})), …]``.
    """
    return [((a, W), (z, out, {"activation": f.name})) for (a, W), (z, out, f) in caches]


def _plain(value: Any) -> Any:
    """参数的普通形式 / An argument's plain form: tuples → lists, activations → their names."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict) and set(value) == {"activation"}:
        return str(value["activation"])
    name = getattr(value, "name", None)
    if isinstance(name, str) and callable(getattr(value, "forward", None)):
        return name
    return value


def _canon(value: Any, out: list[bytes]) -> None:
    """参数的规范字节 / Canonical bytes of a plain argument (numbers as float64, exact)."""
    if isinstance(value, list | tuple):
        out.append(b"[%d" % len(value))
        for v in value:
            _canon(v, out)
        out.append(b"]")
    elif isinstance(value, str):
        out.append(b"s" + value.encode("utf-8") + b"\0")
    elif value is None:
        out.append(b"n")
    else:
        arr = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
        out.append(b"a" + repr(arr.shape).encode("ascii") + arr.tobytes())


def replay_key(args: Any) -> tuple[str, bytes]:
    """(表中的键, 掩码种子) / (the table key, the mask seed) of a call's arguments."""
    parts: list[bytes] = []
    _canon(_plain(args), parts)
    body = b"".join(parts)
    key = hashlib.sha256(b"nnkit-replay-key\0" + body).hexdigest()
    return key, hashlib.sha256(b"nnkit-replay-mask\0" + body).digest()


def _xor(data: bytes, seed: bytes, counter: list[int]) -> bytes:
    stream = hashlib.shake_256(seed + counter[0].to_bytes(4, "big")).digest(len(data))
    counter[0] += 1
    return np.bitwise_xor(np.frombuffer(data, np.uint8), np.frombuffer(stream, np.uint8)).tobytes()


def mask(value: Any, seed: bytes, counter: list[int] | None = None) -> Any:
    """给答案加掩码 / Mask an answer: arrays → ``{"nd", "shape", "dtype"}``, numbers → ``{"sc"}``.

    Tuples and lists keep their kind; strings and ``{"activation": name}`` stay readable (they
    are not answers). Items are masked in walk order (the worker unmasks in the same order).
    """
    counter = [0] if counter is None else counter
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        return {"nd": _xor(arr.tobytes(), seed, counter), "shape": list(arr.shape),
                "dtype": arr.dtype.str}  # fmt: skip
    if isinstance(value, bool | str) or value is None or isinstance(value, dict):
        return value
    if isinstance(value, int | float | np.floating | np.integer):
        return {"sc": _xor(np.float64(value).tobytes(), seed, counter)}
    if isinstance(value, list | tuple):
        return type(value)(mask(v, seed, counter) for v in value)
    raise TypeError(f"cannot mask {type(value).__name__}")


def replay(module: str, function: str, calls: list[tuple[Any, Any]]) -> dict[str, Any]:
    """一个存根的参考答案表 / The reference's answers for calls of the student's ``module.function``.

    ``calls`` lists ``(args, answer)`` for each call a correct tested function makes (positional
    arguments, in the stub's order; caches in :func:`plain_caches` form). The answer may hold
    plain caches too (the worker rebuilds them).
    """
    table = {}
    for args, answer in calls:
        key, seed = replay_key(list(args))
        table[key] = mask(answer, seed)
    return {"module": module, "function": function, "table": table}
