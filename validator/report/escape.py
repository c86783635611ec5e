"""Text from seeds, file names, keys and servers made safe for every place it is printed or written.

One helper per medium, all built on `visible`: a line break or control character never reaches a console,
a GitHub workflow log, a Markdown table or a JUnit file raw; it is shown escaped (`\\n`, `\\x1b`), the way
Python's repr shows it. On top of that:

- `console_line`: no printed line can start a GitHub Actions workflow command (`::name ...::`, checked after
  leading white space, as the runner does) or hold a legacy one (`##[name]`, found anywhere in a line). Only
  the tool's own `::error`/`::warning`/`::notice` lines, built by `annotation`, start with `::`.
- `markdown_text`: inline Markdown that renders as the text itself (no emphasis, code, link, HTML, table
  cell break or math); `markdown_code` keeps tokens (rule ids, file names) in a code span.
- `annotation_data` / `annotation_property`: GitHub's own escaping of a workflow command's message and
  properties, on top of `visible`.
- `web_link`: the URLs that may become links in an HTML page: http(s) only.

Text read back from a report or a baseline (diff, --previous, a baseline's fixed entries) goes through the same
functions as seed text. File links are percent-encoded by `hrefs.file_uri_path`, never built here.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls and DEL, line and paragraph separators, lone surrogates (undecodable file names),
# the bidirectional overrides and isolates (text that displays other than it reads) and the two
# non-characters XML cannot hold.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LEGACY_COMMAND = "##["
# Markdown's active punctuation backslash-escaped; &, < and > as entities (no HTML, no character reference).
_MARKDOWN = str.maketrans({**{char: "\\" + char for char in "\\`*_[]|~$#"}, "&": "&amp;", "<": "&lt;", ">": "&gt;"})
# What a code span shows as it is: no backtick (which would end it), no pipe (a table cell break even in a
# code span), no white space at either end (it would be trimmed); control characters are ruled out apart.
_CODE_SPAN = re.compile(r"[^`|\s](?:[^`|]*[^`|\s])?")
_WEB = re.compile(r"https?://[^\s]", re.IGNORECASE)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """text with every control character, line break and bidirectional control shown as an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def console_text(text: str) -> str:
    """Text for the middle or the end of a console line: visible, and holding no legacy workflow command."""
    line = visible(text)
    return line.replace(_LEGACY_COMMAND, "##\\x5b") if _LEGACY_COMMAND in line else line


def console_line(text: str) -> str:
    """One line for a terminal or a CI log (or its start): visible, and never a workflow command."""
    line = console_text(text)
    stripped = line.lstrip()
    if stripped.startswith("::"):
        at = len(line) - len(stripped)
        line = line[:at] + "\\x3a" + line[at + 1:]
    return line


def annotation_data(text: str) -> str:
    """The message of a workflow command (`::error ...::MESSAGE`)."""
    return console_text(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotation_property(text: str) -> str:
    """A property value of a workflow command (`file=VALUE`)."""
    return annotation_data(text).replace(":", "%3A").replace(",", "%2C")


def markdown_text(text: str) -> str:
    """Inline Markdown (a table cell, a heading, a list item) that shows exactly text."""
    return visible(text).translate(_MARKDOWN)


def markdown_code(text: str) -> str:
    """A token (rule id, file name) in a code span, shown exactly; text a code span cannot hold as it is
    (a backtick, a pipe, a control character) as markdown_text."""
    return f"`{text}`" if _CODE_SPAN.fullmatch(text) and not _UNSAFE.search(text) else markdown_text(text)


def web_link(url: str) -> bool:
    """Whether a URL may be a link in a page: http(s) and nothing before the scheme (a `javascript:`,
    `data:` or `vbscript:` URL, in any case or after spaces, is shown as text), and no character `visible`
    would show as an escape (a control or bidirectional character makes a link read other than it goes)."""
    return _WEB.match(url) is not None and _UNSAFE.search(url) is None


def json_escaped(json_text: str) -> str:
    """JSON text with every character `visible` would escape written as a \\uXXXX escape: the same value once
    parsed, but nothing in the file a terminal or an editor would act on."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text) if _UNSAFE.search(json_text) else json_text


def html_value(value: Any) -> Any:
    """What a page's template prints of a value: text made visible (autoescaping does the markup), markup
    built by the report itself kept as it is."""
    return visible(value) if isinstance(value, str) and not hasattr(value, "__html__") else value


# For the page's script, which shows its table text as `visible` does: the same class in ASCII (\\uXXXX).
UNSAFE_PATTERN = "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" for c in _UNSAFE.pattern)
