"""What seed-validator writes, recognised by its first bytes: its reports, baselines and diffs are never seeds.

Wherever such a file lies (an old output folder, a report committed next to the seeds, a copy renamed in
CI), it is known by content, not by name or folder. A seed starts with a '---' line; none of these do.
"""

from __future__ import annotations

import re

# The first line of report.md (docs/report-contract.md); the heading below it was its only mark before.
REPORT_MARKER = "<!-- seed-validator report -->"
HEAD_BYTES = 4096  # every output names its tool within its first lines

_BOM = b"\xef\xbb\xbf"
_MARKDOWN = (
    # report.md: the marker, or the heading it has always started with
    re.compile(rb"<!-- seed-validator[ \w-]* -->[ \t]*\r?(?:\n|$)|# seed-validator report[ \t]*\r?\n"),
    # diff.md (`seed-validator diff`; it is also the command's standard output, so it carries no marker):
    # its heading, then what changed or that nothing did
    re.compile(rb"# Changes from [^\n]+ to [^\n]+\r?\n\r?\n(?:Nothing changed\.|### (?:Links that broke|Links "
               rb"that recovered|New findings|Fixed findings) \(\d+\))"),
)
_JSON = re.compile(
    rb'"(?:tool|driver)"\s*:\s*\{\s*"name"\s*:\s*"seed-validator"'  # report.json, baselines; SARIF
    rb'|"engine_name"\s*:\s*"seed-validator"')  # GitLab Code Quality
_MARKUP = re.compile(rb'<testsuites\s+name="seed-validator"|<title>seed-validator report')  # JUnit; HTML


def written_by_seed_validator(head: bytes) -> bool:
    """Whether a file whose first bytes are `head` (HEAD_BYTES of them, or the whole file) is one of
    seed-validator's outputs: a report in any format, a baseline or a diff."""
    text = head.removeprefix(_BOM).lstrip()
    if not text or text.startswith(b"---"):
        return False
    first = text[:1]
    if first in (b"{", b"["):
        return _JSON.search(text) is not None
    if first == b"<" and not text.startswith(b"<!--"):
        return _MARKUP.search(text) is not None
    return any(pattern.match(text) for pattern in _MARKDOWN)
