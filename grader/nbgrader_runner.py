"""沙箱内的笔记本执行器 / Notebook runner executed *inside* the sandbox (standalone script).

Copied into a read-only folder of the sandbox and run there with the sandbox's Python: it imports nothing
of the kit (the kit is not visible inside). Reads ``META/in.ipynb`` and ``META/settings.json``,
executes the notebook with nbclient in ``WORK`` (the student's files) and writes
``META/out.ipynb`` (``META`` is writable, outside ``WORK``). Errors are kept as cell outputs (nbgrader scores
them); a cell that exceeds its timeout gets nbgrader's ``CellTimeoutError`` output.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(meta_dir: str, work: str) -> int:
    """执行并写回 / Execute ``META/in.ipynb`` in ``WORK`` into ``META/out.ipynb``."""
    base = Path(work)
    meta = Path(meta_dir)
    settings = json.loads((meta / "settings.json").read_text(encoding="utf-8"))
    nb = nbformat.read(meta / "in.ipynb", as_version=4)
    client = NotebookClient(
        nb,
        timeout=settings["timeout"],
        interrupt_on_timeout=True,
        allow_errors=True,
        raise_on_iopub_timeout=True,
        error_on_timeout=settings["error_on_timeout"],
        kernel_name=settings.get("kernel_name") or "python3",
        extra_arguments=settings.get("extra_arguments", []),
        resources={"metadata": {"path": str(base)}},
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, meta / "out.ipynb")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
