"""Text from seeds, servers and report files made inert in Markdown: one function, so text read back from a
report or a baseline (diff, --previous, a baseline's fixed entries) is escaped exactly like seed text."""

from __future__ import annotations


def markdown_text(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: no pipes or line breaks, HTML-ish text inert."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;"))
