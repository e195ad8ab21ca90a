"""手写拼接的双语字面量 / Find bilingual string literals joined by hand ("中文 / English").

Everything a student or instructor reads is one :class:`grader.text.Text` (issue 9): a literal
such as ``"输出目录 / output folder"`` should be ``Text("输出目录", "output folder").joined()``.
:func:`hand_joined` lists the string literals (an f-string as one text) of a Python file that
join Chinese and English with a slash, outside ``Text(...)`` calls and docstrings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

#: Chinese text (or a full-width closing parenthesis), then no Latin letter up to a slash
#: (spaces, notation such as λ or ∂J/∂W are allowed: "model.loss 的 λ / the λ …"), then English
JOIN = re.compile(r"[\u4e00-\u9fff\uff00-\uffef][^/A-Za-z]*/\s+[A-Za-z\"'(]")


def _docstrings(tree: ast.AST) -> set[int]:
    """文档字符串节点 / Ids of the docstring nodes (bilingual by rule, never output)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _in_text_calls(tree: ast.AST) -> set[int]:
    """``Text(...)`` 调用里的节点 / Ids of every node inside a ``Text(...)`` call."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name == "Text":
                out.update(id(sub) for sub in ast.walk(node))
    return out


def _pieces(tree: ast.AST, skip: set[int]) -> list[tuple[int, str]]:
    """字面量与 f-string / ``(line, text)`` of every string literal outside ``skip``; an f-string
    is one text with ``{}`` for each field, so a join split by a field (``f"…：{x} / no …"``)
    is seen whole."""
    inside = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            out.append((node.lineno, text))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside
        ):
            out.append((node.lineno, node.value))
    return out


def hand_joined(source: str) -> list[tuple[int, str]]:
    """(行号, 字面量) / ``(line, literal)`` of each hand-joined bilingual literal in ``source``
    (an f-string as its text with ``{}`` for the fields)."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _in_text_calls(tree)
    return sorted((line, text) for line, text in _pieces(tree, skip) if JOIN.search(text))


def count_by_file(root: Path, package: str = "grader") -> dict[str, int]:
    """每个文件的数量 / ``{relative path: count}`` over ``root/package`` (files with hits only)."""
    counts = {}
    for path in sorted((root / package).rglob("*.py")):
        n = len(hand_joined(path.read_text(encoding="utf-8")))
        if n:
            counts[path.relative_to(root).as_posix()] = n
    return counts
