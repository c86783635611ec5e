"""Pure: a new string value written as a YAML scalar, in the style the old one had when that is safe.

Plain stays plain, single-quoted stays single-quoted, double-quoted stays double-quoted; a value that
cannot be written safely in its style (or a block scalar) becomes double-quoted, which can hold any text.
"""

from __future__ import annotations

import re

import yaml

PLAIN, SINGLE, DOUBLE = "", "'", '"'
# Characters that may not start a plain scalar (YAML 1.1/1.2 indicators), even where the spec would allow
# some of them followed by a non-space: the conservative reading costs only a pair of quotes.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
            "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e"}
_PLAIN_ASCII = re.compile(r'[\x20-\x7e]*')  # printable ASCII: nothing to escape but '\\' and '"'
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def render(value: str, style: str | None, *, flow: bool = False) -> str:
    """The text of a scalar holding value. style is the node's style (None or '' plain, "'", '"', '|', '>');
    flow is True inside a flow collection ([...] or {...})."""
    if not style and plain_ok(value, flow=flow):
        return value
    if style == SINGLE:
        quoted = single_quoted(value)
        if quoted is not None:
            return quoted
    return double_quoted(value)


def plain_ok(value: str, *, flow: bool = False) -> bool:
    """True when value, written plain, reads back as exactly this string in every context we edit."""
    if not value or value != value.strip(" ") or value[0] in _INDICATORS:
        return False
    if not value.isprintable():  # line breaks, tabs, NBSP, BOM, U+2028 ...
        return False
    if ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and any(c in _FLOW_INDICATORS for c in value):
        return False
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR_TAG


def single_quoted(value: str) -> str | None:
    """value in single quotes ('' for a quote), or None when it holds characters that need escapes."""
    if not value.isprintable():
        return None
    return "'" + value.replace("'", "''") + "'"


def double_quoted(value: str) -> str:
    if _PLAIN_ASCII.fullmatch(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return '"' + "".join(_escape(c) for c in value) + '"'


def _escape(char: str) -> str:
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    if char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
