"""Wire format between the trusted grader and the untrusted sandbox worker.

This module is imported by the parent *and* copied verbatim next to the worker bootstrap, so it
must depend on nothing but the standard library and numpy (never on ``grader``).

Framing: every message is an 8-byte big-endian length followed by that many bytes of strict
UTF-8 JSON (no NaN tokens).  Values are encoded as JSON with a few tagged one-key objects:

=================  ==========================================================================
``{"__nd__": s}``   numpy array; ``s`` is base64 of ``np.save(..., allow_pickle=False)`` bytes
``{"__sc__": s}``   numpy scalar (a 0-d array in the same encoding, decoded back to a scalar)
``{"__tu__": [...]}``  tuple
``{"__di__": [[k, v], ...]}``  dict (keys: str, int, float, bool or None)
``{"__fl__": "nan"}``  non-finite Python float (``"nan"``, ``"inf"``, ``"-inf"``)
``{"__cx__": [re, im]}``  Python complex
``{"__by__": s}``   bytes (base64)
``{"__handle__": n, "type": t}``  opaque reference to an object living in the worker
=================  ==========================================================================

Plain JSON lists are Python lists; every real dict goes through ``__di__`` so a student's dict
can never be mistaken for a tag.  Decoding never executes code: an array's .npy header is read
and checked first (only boolean, integer, float and complex dtypes; data length must match the
shape) and then the bytes are viewed with ``np.frombuffer``.  Parsing and decoding run under
budgets (values, arrays, bytes, time): see :func:`parse_body` and :func:`decode`.
"""

from __future__ import annotations

import base64
import io
import json
import math
import struct
import time
from collections.abc import Callable
from typing import Any

import numpy as np

HEADER = struct.Struct(">Q")
#: dtype kinds accepted on the wire (bool, signed/unsigned int, float, complex).
ALLOWED_KINDS = frozenset("biufc")
#: Maximum nesting depth of a decoded value.
MAX_DEPTH = 64
#: Budgets of one decoded message (the trusted parent decodes untrusted replies).
MAX_NODES = 200_000
MAX_ARRAYS = 10_000
MAX_ARRAY_BYTES = 256 << 20
DECODE_SECONDS = 10.0


class ProtocolError(ValueError):
    """A message that does not follow the wire format (malformed, unsafe or too deep)."""


class Unencodable(TypeError):
    """A value that has no wire representation (raised when no handle fallback is given)."""


def frame(message: dict[str, Any]) -> bytes:
    """Serialise ``message`` (already JSON-ready) into one length-prefixed frame."""
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return HEADER.pack(len(body)) + body


def parse_body(body: bytes, max_nodes: int = MAX_NODES) -> dict[str, Any]:
    """Parse one frame body into a JSON object; raise :class:`ProtocolError` if malformed.

    Before parsing, the number of JSON containers and items is bounded from above by counting
    ``[``, ``{`` and ``,`` bytes (C speed, no allocation): a reply of millions of ``[]`` is
    refused without building millions of Python objects.
    """

    def _no_constants(token: str) -> Any:
        raise ProtocolError(f"non-standard JSON constant {token!r}")

    nodes = body.count(b"[") + body.count(b"{") + body.count(b",")
    if nodes > max_nodes:
        raise ProtocolError(f"message has too many values (>{max_nodes})")
    try:
        obj = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except ProtocolError:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"malformed JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object")
    return obj


def _array_to_b64(arr: np.ndarray) -> str:
    """Return base64 text of ``arr`` in .npy format (pickle disabled)."""
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _b64_to_array(text: Any, max_bytes: int = MAX_ARRAY_BYTES) -> np.ndarray:
    """Decode base64 .npy text into an array, refusing pickles and non-numeric dtypes.

    The .npy header (dtype, shape, order) is read and checked *before* anything is allocated:
    only bool/int/float/complex dtypes without fields, and the data must be exactly
    ``prod(shape) * itemsize`` bytes (at most ``max_bytes``).
    """
    if not isinstance(text, str):
        raise ProtocolError("array payload must be a string")
    if len(text) > (max_bytes + 4096) * 4 // 3 + 8:
        raise ProtocolError("array payload too large")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        buf = io.BytesIO(raw)
        version = np.lib.format.read_magic(buf)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(buf)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(buf)
        else:
            raise ValueError(f"npy version {version}")
    except Exception as exc:
        raise ProtocolError(f"bad array payload: {type(exc).__name__}: {exc}") from None
    if dtype.hasobject or dtype.names is not None or dtype.kind not in ALLOWED_KINDS:
        raise ProtocolError(f"array dtype {dtype} is not allowed")
    if not all(isinstance(n, int) and 0 <= n for n in shape) or len(shape) > 32:
        raise ProtocolError("bad array shape")
    count = math.prod(shape)
    offset = buf.tell()
    if count * dtype.itemsize > max_bytes or len(raw) - offset != count * dtype.itemsize:
        raise ProtocolError("array data does not match its header")
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


def _encodable_array(arr: np.ndarray) -> bool:
    """True if ``arr`` has a plain numeric dtype that may cross the boundary."""
    return (not arr.dtype.hasobject) and arr.dtype.kind in ALLOWED_KINDS and arr.dtype.names is None


def encode(value: Any, on_unknown: Callable[[Any], dict[str, Any]] | None = None) -> Any:
    """Turn ``value`` into JSON-ready data following the tagged format above.

    ``on_unknown(obj)`` is called for anything without a wire representation (and for
    structures nested deeper than :data:`MAX_DEPTH`); it must return a tag such as a handle.
    Without it, :class:`Unencodable` is raised.
    """

    def unknown(obj: Any) -> Any:
        if on_unknown is None:
            raise Unencodable(f"cannot send a value of type {type(obj).__name__}")
        return on_unknown(obj)

    def enc(obj: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            return unknown(obj)
        t = type(obj)
        if obj is None or t is bool or t is str:
            return obj
        if t is int:
            return obj
        if t is float:
            return obj if math.isfinite(obj) else {"__fl__": repr(obj)}
        if t is complex:
            return {"__cx__": [enc(obj.real, depth + 1), enc(obj.imag, depth + 1)]}
        if t is bytes:
            return {"__by__": base64.b64encode(obj).decode("ascii")}
        if isinstance(obj, np.ndarray):
            arr = np.asarray(obj)
            if not _encodable_array(arr):
                return unknown(obj)
            return {"__nd__": _array_to_b64(arr)}
        if isinstance(obj, np.generic):
            arr = np.asarray(obj)
            if not _encodable_array(arr):
                return unknown(obj)
            return {"__sc__": _array_to_b64(arr)}
        if t is list:
            return [enc(x, depth + 1) for x in obj]
        if t is tuple or (isinstance(obj, tuple) and hasattr(obj, "_fields")):
            return {"__tu__": [enc(x, depth + 1) for x in tuple.__iter__(obj)]}
        if t is dict:
            items = []
            for k, v in dict.items(obj):
                if not (k is None or type(k) in (str, int, float, bool)):
                    return unknown(obj)
                items.append([enc(k, depth + 1), enc(v, depth + 1)])
            return {"__di__": items}
        return unknown(obj)

    return enc(value, 0)


def decode(
    data: Any,
    on_handle: Callable[[dict[str, Any]], Any],
    *,
    max_nodes: int = MAX_NODES,
    max_arrays: int = MAX_ARRAYS,
    max_bytes: int = MAX_ARRAY_BYTES,
    seconds: float = DECODE_SECONDS,
) -> Any:
    """Rebuild a value from JSON-ready ``data`` produced by :func:`encode`.

    ``on_handle(tag)`` turns a ``{"__handle__": ...}`` tag into an object (the parent makes a
    :class:`Handle`, the worker looks the id up in its table).  Anything malformed raises
    :class:`ProtocolError`; nothing is ever unpickled or evaluated.  Budgets: at most
    ``max_nodes`` values, ``max_arrays`` arrays of ``max_bytes`` decoded bytes in total, and
    ``seconds`` of decoding time; exceeding any is a :class:`ProtocolError`.
    """
    budget = {"nodes": max_nodes, "arrays": max_arrays, "bytes": max_bytes}
    deadline = time.monotonic() + seconds

    def array(payload: Any) -> np.ndarray:
        budget["arrays"] -= 1
        if budget["arrays"] < 0:
            raise ProtocolError(f"too many arrays (>{max_arrays})")
        arr = _b64_to_array(payload, budget["bytes"])
        budget["bytes"] -= arr.nbytes
        return arr

    def dec(obj: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        budget["nodes"] -= 1
        if budget["nodes"] < 0:
            raise ProtocolError(f"too many values (>{max_nodes})")
        if budget["nodes"] % 1024 == 0 and time.monotonic() > deadline:
            raise ProtocolError(f"decoding took longer than {seconds:g} s")
        if obj is None or isinstance(obj, bool | int | str):
            return obj
        if isinstance(obj, float):
            return obj
        if isinstance(obj, list):
            return [dec(x, depth + 1) for x in obj]
        if not isinstance(obj, dict):
            raise ProtocolError(f"unexpected JSON value of type {type(obj).__name__}")
        if "__handle__" in obj:
            hid = obj.get("__handle__")
            if (
                not isinstance(hid, int)
                or isinstance(hid, bool)
                or set(obj) - {"__handle__", "type"}
            ):
                raise ProtocolError("malformed handle")
            return on_handle(obj)
        if len(obj) != 1:
            raise ProtocolError("tagged object must have exactly one key")
        ((tag, payload),) = obj.items()
        if tag == "__nd__":
            return array(payload)
        if tag == "__sc__":
            arr = array(payload)
            if arr.ndim != 0:
                raise ProtocolError("scalar payload must be 0-d")
            return arr[()]
        if tag == "__tu__":
            if not isinstance(payload, list):
                raise ProtocolError("tuple payload must be a list")
            return tuple(dec(x, depth + 1) for x in payload)
        if tag == "__di__":
            if not isinstance(payload, list):
                raise ProtocolError("dict payload must be a list")
            out: dict[Any, Any] = {}
            for item in payload:
                if not isinstance(item, list) or len(item) != 2:
                    raise ProtocolError("dict item must be a [key, value] pair")
                key = dec(item[0], depth + 1)
                if not (key is None or isinstance(key, str | int | float | bool)):
                    raise ProtocolError("dict key must be a JSON scalar")
                out[key] = dec(item[1], depth + 1)
            return out
        if tag == "__fl__":
            if payload not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float tag")
            return float(payload)
        if tag == "__cx__":
            if not (isinstance(payload, list) and len(payload) == 2):
                raise ProtocolError("bad complex tag")
            re_, im_ = (dec(x, depth + 1) for x in payload)
            if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (re_, im_)):
                raise ProtocolError("bad complex tag")
            return complex(re_, im_)
        if tag == "__by__":
            if not isinstance(payload, str):
                raise ProtocolError("bad bytes tag")
            try:
                return base64.b64decode(payload.encode("ascii"), validate=True)
            except ValueError:
                raise ProtocolError("bad bytes tag") from None
        raise ProtocolError(f"unknown tag {tag!r}")

    try:
        return dec(data, 0)
    except RecursionError:
        raise ProtocolError("value nested too deeply") from None
