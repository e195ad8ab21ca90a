"""符号 oracle 的磁盘缓存 / On-disk cache of the compiled sympy oracles.

Deriving the suites' oracles (``sympy.diff`` of whole networks, then ``lambdify`` with common
sub-expression elimination) takes tens of seconds; evaluating them takes milliseconds. This
module keeps the *generated Python source* of each compiled oracle on disk, keyed by

    SHA-256( source of grader/oracles/symbolic.py, this cache's FORMAT, sympy and mpmath
             versions, the oracle's name and parameters )

so any change to how oracles are derived (or to sympy) misses the cache and derives afresh.
A hit reads the source and ``exec`` s it in the namespace ``lambdify`` itself would use: no
``sympy.diff`` and no ``lambdify``.

Trust: the cache is code the trusted grader executes, so it is only read from a folder owned by
the grader's user that is not writable by group or others (likewise every file); anything else
is ignored (and derived afresh). It never lives in a submission folder. The default is the
user's cache folder ``$XDG_CACHE_HOME/nnkit/oracles`` (else ``~/.cache/nnkit/oracles``), which
the bubblewrap sandbox hides from student code; ``NNKIT_ORACLE_CACHE=<folder>`` chooses another
folder, ``NNKIT_ORACLE_CACHE=off`` disables it. At the ``insecure`` isolation level (no
sandbox, only with ``--insecure``) student code runs with the grader's uid and could write
there — as it could write the grader's own source files; see the README's sandbox section.

The sources in memory can also be shipped to other processes (:func:`export`, :func:`install`):
the Dask backend sends them from the trusted client to its workers.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
#: version of the cache's format and of how sources are loaded (bump when _load changes)
FORMAT = 1
#: key -> generated source, for every oracle compiled or loaded in this process
_sources: dict[str, str] = {}
#: hit/miss counters of this process (``disk`` = loaded from disk, ``memory`` = installed)
stats: dict[str, int] = {"disk": 0, "memory": 0, "derived": 0, "rejected": 0}


def cache_dir() -> Path | None:
    """缓存目录 / The cache folder (None when disabled)."""
    env = os.environ.get("NNKIT_ORACLE_CACHE", "")
    if env.lower() in ("off", "0", "no", "none"):
        return None
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nnkit" / "oracles"


@functools.cache
def _version_text() -> bytes:
    """源码与库版本 / The bytes the key depends on besides the oracle itself."""
    import mpmath
    import sympy

    h = hashlib.sha256((_HERE / "symbolic.py").read_bytes())
    h.update(f"format {FORMAT} sympy {sympy.__version__} mpmath {mpmath.__version__}".encode())
    return h.digest()


def file_hash(path: str | Path) -> str:
    """文件的 SHA-256 / SHA-256 of a file's bytes (for cache keys)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def key(name: str, params: Any) -> str:
    """缓存键 / Cache key of one oracle: hash of the derivation code, versions and parameters."""
    return hashlib.sha256(_version_text() + f"|{name}|{params!r}".encode()).hexdigest()


def _trusted(path: Path, *, folder: bool) -> bool:
    """由本用户拥有且他人不可写 / Owned by this user, not a symlink, not group/other-writable."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode)
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return kind_ok and mine and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


@functools.cache
def _namespace() -> dict[str, Any]:
    """lambdify 使用的 mpmath 命名空间 / The namespace ``lambdify(modules="mpmath")`` uses."""
    import sympy as sp

    return dict(sp.lambdify([], 0, modules="mpmath").__globals__)


def _load(source: str) -> Callable[..., Any]:
    """执行生成的源码 / Execute a generated source; return its function."""
    ns = dict(_namespace())
    exec(compile(source, "<nnkit-oracle>", "exec"), ns)
    return ns["_lambdifygenerated"]


def _read(k: str) -> str | None:
    """从磁盘读取（仅可信位置）/ Read a cached source from disk, only from a trusted folder."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{k}.py"
    if not path.exists():
        return None
    if not (_trusted(folder, folder=True) and _trusted(path, folder=False)):
        stats["rejected"] += 1
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _write(k: str, source: str) -> None:
    """原子写入（0600，目录 0700）/ Write atomically (file 0600 in a 0700 folder); best effort."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _trusted(folder, folder=True):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{k}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(source)
        os.replace(tmp, folder / f"{k}.py")
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def compiled(
    name: str, params: Any, build: Callable[[], tuple[list[Any], Any, bool]]
) -> Callable[..., Any]:
    """缓存的 lambdify / ``lambdify(*build())`` to mpmath, cached in memory and on disk.

    Args:
        name: which oracle (``"layer"``, ``"loss"``, ``"full"``, ``"regulariser"``).
        params: its parameters (a repr-stable tuple: sizes, activations, loss, ...).
        build: derives ``(args, exprs, cse)``; called only on a miss.

    Returns:
        the compiled function (the same code ``lambdify`` generates).
    """
    import sympy as sp

    k = key(name, params)
    source = _sources.get(k)
    if source is not None:
        stats["memory"] += 1
        return _load(source)
    source = _read(k)
    if source is not None:
        with contextlib.suppress(SyntaxError, KeyError):
            func = _load(source)
            _sources[k] = source
            stats["disk"] += 1
            return func
    args, exprs, cse = build()
    func = sp.lambdify(args, exprs, modules="mpmath", cse=cse)
    source = inspect.getsource(func)
    _sources[k] = source
    stats["derived"] += 1
    _write(k, source)
    return func


def arrays(name: str, params: Any, load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """缓存的数组 / Arrays (e.g. the embedded digits) cached on disk as ``.npz``.

    ``params`` must name everything the arrays depend on (library versions, source hashes).
    The file is read with ``allow_pickle=False`` (data only, never code) and only from the
    trusted cache folder; ``load()`` runs on a miss.
    """
    import numpy as np

    k = hashlib.sha256(f"arrays|{name}|{params!r}".encode()).hexdigest()
    folder = cache_dir()
    path = None if folder is None else folder / f"{k}.npz"
    if path is not None and path.exists():
        if _trusted(folder, folder=True) and _trusted(path, folder=False):  # type: ignore[arg-type]
            with contextlib.suppress(OSError, ValueError), np.load(path, allow_pickle=False) as z:
                stats["disk"] += 1
                return {key: z[key] for key in z.files}
        else:
            stats["rejected"] += 1
    data = load()
    stats["derived"] += 1
    if folder is not None and path is not None:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if _trusted(folder, folder=True):
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{k}.", suffix=".npz")
                with os.fdopen(fd, "wb") as fh:
                    np.savez(fh, **data)
                os.replace(tmp, path)
    return data


def export() -> dict[str, str]:
    """本进程已有的全部源码 / Every oracle source known in this process (to ship elsewhere)."""
    return dict(_sources)


def install(sources: dict[str, str]) -> None:
    """安装（来自可信客户端）/ Install sources from the trusted client (e.g. on a Dask worker)."""
    _sources.update(sources)
