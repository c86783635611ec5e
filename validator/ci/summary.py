"""A job summary that fits: GitHub refuses a step summary over 1 MiB, so a longer report is cut with a note."""

from __future__ import annotations

GITHUB_LIMIT = 1024 * 1024  # bytes, per step


def fit(text: str, *, limit: int = GITHUB_LIMIT, full_report: str = "report.md") -> str:
    """text whole when it fits in limit bytes (UTF-8), else cut at a line end with a note saying where the
    whole report is."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    note = (f"\n\n> **Truncated**: this summary shows the first part of the report only (a job summary holds "
            f"at most {limit // 1024} KiB). The whole report is {full_report} in this run's artifacts.\n")
    room = limit - len(note.encode("utf-8"))
    head = data[:max(room, 0)].decode("utf-8", errors="ignore")
    cut = head.rfind("\n")
    return (head[: cut + 1] if cut >= 0 else "") + note
