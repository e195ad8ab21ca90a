"""docs/errata.md 由代码生成且保持最新 / docs/errata.md is generated and up to date."""

from pathlib import Path

from nncore.examples.errata import errata_markdown

PAGE = Path(__file__).resolve().parents[2] / "docs" / "errata.md"


def test_errata_page_is_the_generated_one():
    assert PAGE.read_text(encoding="utf-8") == errata_markdown(), (
        "docs/errata.md is stale: run `python -m nncore errata > docs/errata.md`"
    )


def test_errata_page_names_the_first_layer_error():
    text = errata_markdown()
    assert "0.2053" in text and "0.199673" in text
    assert "tanh(t/2)" in text
