"""参考答案表的键与掩码（双方共用）/ The answer tables' keys and masks, shared by both sides.

One file, two users, so the two sides cannot drift apart:

* the trusted grader imports it as ``grader.driver._nnkit_replay`` and builds the tables
  (:mod:`grader.suites.replay`: :func:`replay_key` and :func:`mask`);
* the engine copies it next to the sandbox's driver (``grader.driver.KIT_FILES``), and the
  driver loads it from its own folder (:func:`replay_key` and :func:`unmask`), because the
  sandboxed worker cannot import ``grader``.

Standard library and numpy only; no hidden data and no solution code. A key is the SHA-256 of
a call's exact arguments (canonical float64 bytes, activations by name); the mask seed is a
second SHA-256 of the same bytes, and answers are XORed with SHAKE-256 of that seed, item by
item in walk order. See ARCHITECTURE.md (reference-built inputs).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """参数的普通形式 / An argument's plain form: tuples → lists, activations → their names.

    Idempotent on plain data; ``{"activation": name}`` and an object with a ``name`` and a
    ``forward`` (an ``Activation``) both become ``name``.
    """
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict) and set(value) == {"activation"}:
        return str(value["activation"])
    name = getattr(value, "name", None)
    if isinstance(name, str) and callable(getattr(value, "forward", None)):
        return name
    return value


def canon(value: Any, out: list[bytes]) -> None:
    """参数的规范字节 / Canonical bytes of a plain argument (numbers as float64, exact).

    Raises TypeError/ValueError for a value with no float64 form (the caller skips that key).
    """
    if isinstance(value, list | tuple):
        out.append(b"[%d" % len(value))
        for v in value:
            canon(v, out)
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
    canon(plain(args), parts)
    body = b"".join(parts)
    key = hashlib.sha256(b"nnkit-replay-key\0" + body).hexdigest()
    return key, hashlib.sha256(b"nnkit-replay-mask\0" + body).digest()


def xor(data: bytes, seed: bytes, counter: list[int]) -> bytes:
    """与密钥流异或 / XOR ``data`` with SHAKE-256(seed ‖ counter); advances the counter."""
    stream = hashlib.shake_256(seed + counter[0].to_bytes(4, "big")).digest(len(data))
    counter[0] += 1
    return np.bitwise_xor(np.frombuffer(data, np.uint8), np.frombuffer(stream, np.uint8)).tobytes()


def mask(value: Any, seed: bytes, counter: list[int] | None = None) -> Any:
    """给答案加掩码 / Mask an answer: arrays → ``{"nd", "shape", "dtype"}``, numbers → ``{"sc"}``.

    Tuples and lists keep their kind; strings and ``{"activation": name}`` stay readable (they
    are not answers). Items are masked in walk order (:func:`unmask` uses the same order).
    """
    counter = [0] if counter is None else counter
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        return {"nd": xor(arr.tobytes(), seed, counter), "shape": list(arr.shape),
                "dtype": arr.dtype.str}  # fmt: skip
    if isinstance(value, bool | str) or value is None or isinstance(value, dict):
        return value
    if isinstance(value, int | float | np.floating | np.integer):
        return {"sc": xor(np.float64(value).tobytes(), seed, counter)}
    if isinstance(value, list | tuple):
        return type(value)(mask(v, seed, counter) for v in value)
    raise TypeError(f"cannot mask {type(value).__name__}")


def unmask(value: Any, seed: bytes, counter: list[int] | None = None) -> Any:
    """去掉掩码 / Unmask a table answer (the inverse of :func:`mask`; numbers come back as float)."""
    counter = [0] if counter is None else counter
    if isinstance(value, dict) and set(value) in ({"nd", "shape", "dtype"}, {"sc"}):
        raw = np.frombuffer(
            xor(value["nd"] if "nd" in value else value["sc"], seed, counter), np.uint8
        )
        if "sc" in value:
            return float(raw.view(np.float64)[0])
        return raw.view(np.dtype(str(value["dtype"]))).reshape(value["shape"]).copy()
    if isinstance(value, list | tuple):
        return type(value)(unmask(v, seed, counter) for v in value)
    return value
