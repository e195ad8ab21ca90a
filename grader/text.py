"""双语文本 / Bilingual text: the one type for everything a student or TA reads.

Every label, note, hint, check description, credit rule and feedback message of the grader is a
:class:`Text`: an immutable pair of a Chinese and an English string, combined and formatted
together so that the two languages never drift apart::

    RANDOM = Text("随机用例", "random case")
    RANDOM.numbered(2, 4)                      # Text("随机用例 2/4", "random case 2/4")
    Text("{w} 正确", "{w} is correct").format(w="z^(l+1)")
    Text("通过。", "passed. ") + Text("提示：…", "Hint: …")
    Text.join(Text("；", "; "), parts)
    Text("输出目录", "output folder").joined()  # "输出目录 / output folder" (one line: CLI, help)
    Text("任务", "task").fields("title")       # {"title_zh": "任务", "title_en": "task"} (JSON)

Standard library only: cheap to import everywhere (registry, suites, feedback, reports).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    """一段中英文文本 / A piece of text in Chinese (``zh``) and English (``en``)."""

    zh: str = ""
    en: str = ""

    def __post_init__(self) -> None:
        """Both parts must be strings (a tuple or None here is a bug at the call site)."""
        if not isinstance(self.zh, str) or not isinstance(self.en, str):
            raise TypeError(f"Text(zh, en) needs two strings, got {self.zh!r}, {self.en!r}")

    def __add__(self, other: Text) -> Text:
        """拼接 / Concatenate language by language."""
        if not isinstance(other, Text):
            return NotImplemented
        return Text(self.zh + other.zh, self.en + other.en)

    def __bool__(self) -> bool:
        """非空 / True when either language has text."""
        return bool(self.zh or self.en)

    def format(self, **fields: Any) -> Text:
        """填入字段 / ``str.format`` on both languages with the same fields."""
        return Text(self.zh.format(**fields), self.en.format(**fields))

    def numbered(self, k: int, n: int) -> Text:
        """编号标签 / A numbered label such as "随机用例 2/4" / "random case 2/4" (no values)."""
        return Text(f"{self.zh} {k}/{n}", f"{self.en} {k}/{n}")

    def wrap(self, zh: str = "{}", en: str = "{}") -> Text:
        """套进模板 / Put each language into its own template (``"检查：{}。"``, ``"Checked: {}. "``)."""
        return Text(zh.format(self.zh), en.format(self.en))

    def strip(self) -> Text:
        """去掉首尾空白 / Strip surrounding whitespace in both languages."""
        return Text(self.zh.strip(), self.en.strip())

    def pair(self) -> tuple[str, str]:
        """(zh, en) 元组（只用于序列化）/ The (zh, en) tuple, for serialization only."""
        return self.zh, self.en

    def joined(self, sep: str = " / ") -> str:
        """单行双语文本 / Both languages on one line, ``"zh / en"`` (CLI output, argparse help,
        headings); when one language is empty or both are the same (``"%"``), just one of them
        (no dangling separator, no repetition)."""
        if not self.zh or not self.en or self.zh == self.en:
            return self.zh or self.en
        return f"{self.zh}{sep}{self.en}"

    def fields(self, key: str) -> dict[str, str]:
        """JSON 字段 / The two JSON fields ``{key}_zh`` and ``{key}_en`` (report.json's schema)."""
        return {f"{key}_zh": self.zh, f"{key}_en": self.en}

    @classmethod
    def from_fields(cls, data: Mapping[str, Any], key: str) -> Text:
        """从 JSON 字段读回 / Read ``{key}_zh`` / ``{key}_en`` back (missing fields: empty)."""
        return cls(str(data.get(f"{key}_zh", "")), str(data.get(f"{key}_en", "")))

    @classmethod
    def of(cls, value: str | Text) -> Text:
        """名称的双语形式 / A name as a ``Text``: a ``Text`` as it is, a plain string (lecture
        notation such as ``∂J/∂W^(l)``, the same in both languages) in both languages."""
        return value if isinstance(value, Text) else cls(value, value)

    @staticmethod
    def join(sep: Text, parts: Iterable[Text]) -> Text:
        """用分隔符连接 / Join texts with a separator, language by language."""
        items = list(parts)
        return Text(sep.zh.join(p.zh for p in items), sep.en.join(p.en for p in items))


EMPTY = Text()
