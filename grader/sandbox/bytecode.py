"""Compile a submission copy's modules once, in the trusted grader, for every task worker.

Each task runs in a fresh worker (a fork of the submission's zygote, see :mod:`.zygote`), and
the sandbox never writes bytecode (its work folder is read-only, ``PYTHONDONTWRITEBYTECODE``):
without help every task would compile the driver (27 KB) and each student module it imports
again — most of a closed-form task's cost in the sandbox.  :func:`write_bytecode` puts a
*checked hash-based* ``.pyc`` (PEP 552) next to each top-level module of the copy:

* the interpreter validates it against the SipHash of the source it reads, so a ``.pyc``
  that does not match its source byte for byte is ignored and the source compiled as before;
* it is made from the same source bytes with the same flags as the import system would use
  (``compile(source, path, "exec", dont_inherit=True, optimize=0)``), so the code objects are
  the same;
* a module that does not compile (syntax error, too deep, …) gets no ``.pyc``: the worker
  compiles it and reports the error exactly as before;
* compiling executes nothing of the student's (:mod:`ast` parsing already happens in the
  trusted process for the static scan); it is bounded by the copy's limits (at most 200 files
  of at most 2 MiB, :mod:`grader.files`);
* the code of unchanged modules (the driver, the release's given modules) is cached by the
  exact source bytes, so a batch compiles them once.

The sandbox runs the grader's own base interpreter (:func:`.isolation.host_layout`), so magic
number and cache tag agree; if they did not, the interpreter would ignore the files.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import marshal
import os
import sys
from pathlib import Path

#: Largest module compiled here (bytes); larger ones are left to the worker.
MAX_SOURCE_BYTES = 2 << 20


@functools.lru_cache(maxsize=512)
def pyc(source: bytes, path: str) -> bytes | None:
    """The checked hash-based ``.pyc`` of ``source`` (``path``: its name in the sandbox), or
    None when it does not compile."""
    try:
        code = compile(source, path, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None
    flags = (0b11).to_bytes(4, "little")  # hash-based, check the source
    return (
        importlib.util.MAGIC_NUMBER
        + flags
        + importlib.util.source_hash(source)
        + (marshal.dumps(code))
    )


def write_bytecode(folder: Path, sandbox_folder: str) -> int:
    """Write ``folder/__pycache__/<module>.<tag>.pyc`` for every top-level module of the copy
    ``folder`` (seen as ``sandbox_folder`` inside the sandbox); returns how many were written.
    Never raises: a module without a ``.pyc`` is compiled by the worker."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return 0
    cache = folder / "__pycache__"
    written = 0
    with contextlib.suppress(OSError):
        for path in sorted(folder.glob("*.py")):
            if path.is_symlink() or not path.is_file():
                continue
            if path.stat().st_size > MAX_SOURCE_BYTES:
                continue
            data = pyc(path.read_bytes(), f"{sandbox_folder}/{path.name}")
            if data is None:
                continue
            if not written:
                cache.mkdir(exist_ok=True)
                os.chmod(cache, 0o755)
            target = cache / f"{path.stem}.{tag}.pyc"
            with contextlib.suppress(OSError):
                target.unlink()  # the student's own file of that name, if any
            target.write_bytes(data)
            os.chmod(target, 0o644)
            written += 1
    return written
