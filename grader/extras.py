"""可选依赖 / Optional extras: import one, or fail with a clear bilingual message."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str) -> ModuleType:
    """导入可选依赖 / Import ``module`` from the optional extra ``extra`` (``nnkit[extra]``).

    Raises:
        ImportError: with a zh/en message naming the extra to install.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"未安装 {module}：请 pip install 'nnkit[{extra}]' / {module} is not installed: "
            f"pip install 'nnkit[{extra}]'"
        ) from exc
