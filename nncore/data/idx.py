"""IDX 文件格式读写 / Reading and writing the IDX file format (used by MNIST).

IDX layout (all integers big-endian)::

    byte 0-1   0x00 0x00
    byte 2     type code: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte 3     ndim
    ndim x 4   size of each dimension (uint32, big-endian)
    data       prod(sizes) items of the given type, C order, big-endian

Files may be gzip-compressed; compression is detected from the gzip magic bytes ``1f 8b``,
never from the file name alone.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["IDX_DTYPES", "IDXFormatError", "load_idx", "parse_idx", "write_idx"]

GZIP_MAGIC = b"\x1f\x8b"

#: IDX type code -> big-endian numpy dtype.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES_BY_KIND: dict[np.dtype, int] = {
    dt.newbyteorder("="): code for code, dt in IDX_DTYPES.items()
}


class IDXFormatError(ValueError):
    """IDX 文件损坏或格式不符 / An IDX file is corrupt, truncated or not the expected kind.

    Attributes:
        path: the offending file (``None`` when parsing bytes without a file name).
    """

    def __init__(self, path: str | os.PathLike[str] | None, zh: str, en: str) -> None:
        self.path = None if path is None else Path(path)
        where = "<bytes>" if path is None else str(path)
        super().__init__(f"IDX 文件 {where}: {zh}\nIDX file {where}: {en}")


def _decompress_if_gzip(data: bytes, path: str | os.PathLike[str] | None) -> bytes:
    """若为 gzip 则解压 / Decompress ``data`` if it starts with the gzip magic bytes."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise IDXFormatError(
            path,
            f"gzip 压缩数据损坏或不完整 ({exc})",
            f"gzip-compressed data is corrupt or incomplete ({exc})",
        ) from exc


def parse_idx(
    data: bytes, path: str | os.PathLike[str] | None = None, *, expected_magic: int | None = None
) -> np.ndarray:
    """解析 IDX 字节串为数组 / Parse (possibly gzipped) IDX bytes into a native-endian array.

    Args:
        data: the raw file content; gzip is detected from its first two bytes.
        path: file name used in error messages only.
        expected_magic: if given, the 32-bit magic number (e.g. ``0x00000803`` for MNIST
            images) the header must carry.

    Returns:
        A writable array of shape ``dims`` from the header (e.g. ``(n, 28, 28)``) with the
        header's element type in native byte order (``uint8`` for MNIST).

    Raises:
        IDXFormatError: empty or truncated file, bad magic bytes, unknown type code, wrong
            magic, or a data size different from what the header declares.
    """
    if len(data) == 0:
        raise IDXFormatError(path, "文件为空", "the file is empty")
    data = _decompress_if_gzip(data, path)
    if len(data) < 4:
        raise IDXFormatError(
            path,
            f"文件过短 ({len(data)} 字节), 连 4 字节的魔数都不完整",
            f"file too short ({len(data)} bytes) to hold the 4-byte magic number",
        )
    (magic,) = struct.unpack(">I", data[:4])
    if data[0] != 0 or data[1] != 0:
        raise IDXFormatError(
            path,
            f"魔数 0x{magic:08X} 无效: 前两个字节必须为 0 (这不是 IDX 文件?)",
            f"bad magic number 0x{magic:08X}: the first two bytes must be zero (not an IDX file?)",
        )
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise IDXFormatError(
            path,
            f"未知的数据类型码 0x{code:02X} (支持 {known})",
            f"unknown data type code 0x{code:02X} (supported: {known})",
        )
    if expected_magic is not None and magic != expected_magic:
        raise IDXFormatError(
            path,
            f"魔数为 0x{magic:08X}, 期望 0x{expected_magic:08X} (类型码或维数不符)",
            f"magic number is 0x{magic:08X}, expected 0x{expected_magic:08X} "
            "(wrong type code or number of dimensions)",
        )
    if ndim == 0:
        raise IDXFormatError(path, "维数为 0", "number of dimensions is 0")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise IDXFormatError(
            path,
            f"头部不完整: {ndim} 维需要 {header_len} 字节, 文件只有 {len(data)} 字节",
            f"incomplete header: {ndim} dimensions need {header_len} bytes, file has {len(data)}",
        )
    dims = struct.unpack(f">{ndim}I", data[4:header_len])
    dtype = IDX_DTYPES[code]
    expected = math.prod(dims) * dtype.itemsize  # Python ints: no overflow on absurd headers
    actual = len(data) - header_len
    if actual != expected:
        what_zh = "数据被截断" if actual < expected else "文件末尾有多余字节"
        what_en = "data is truncated" if actual < expected else "trailing bytes after the data"
        raise IDXFormatError(
            path,
            f"{what_zh}: 头部声明形状 {dims} 需要 {expected} 字节数据, 实际 {actual} 字节",
            f"{what_en}: header shape {dims} needs {expected} data bytes, found {actual}",
        )
    flat = np.frombuffer(data, dtype=dtype, offset=header_len)
    # One copy: converts to native byte order and makes the result writable.
    return flat.astype(dtype.newbyteorder("="), copy=True).reshape(dims)


def load_idx(path: str | os.PathLike[str], *, expected_magic: int | None = None) -> np.ndarray:
    """读取 IDX 文件 (原始或 gzip) / Load an IDX file, raw or gzip-compressed.

    Args:
        path: file to read; the name does not matter (gzip is detected from its content).
        expected_magic: optional required magic number, e.g. ``0x00000803`` (ubyte, 3-D).

    Returns:
        Array with the header's shape (e.g. ``(n, 28, 28)`` images, ``(n,)`` labels) and
        element type in native byte order.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        IDXFormatError: the content is not a valid IDX file (see :func:`parse_idx`).
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"找不到 IDX 文件: {p}\nIDX file not found: {p}")
    return parse_idx(p.read_bytes(), p, expected_magic=expected_magic)


def write_idx(path: str | os.PathLike[str], array: np.ndarray, *, compress: bool = False) -> Path:
    """把数组写成 IDX 文件 / Write an array as an IDX file (optionally gzip-compressed).

    Args:
        path: destination file.
        array: array of any shape with ndim >= 1 and dtype uint8, int8, int16, int32,
            float32 or float64.
        compress: gzip the output.

    Returns:
        The path written.
    """
    arr = np.asarray(array)
    code = _CODES_BY_KIND.get(arr.dtype.newbyteorder("="))
    if code is None or arr.ndim == 0 or arr.ndim > 255:
        raise ValueError(
            f"无法写成 IDX: dtype={arr.dtype}, ndim={arr.ndim}\n"
            f"cannot write as IDX: dtype={arr.dtype}, ndim={arr.ndim}"
        )
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    if compress:
        payload = gzip.compress(payload)
    p = Path(path)
    p.write_bytes(payload)
    return p
