"""What an inconclusive run says in one line, the same in the console, report.md and report.html: that some
links were not verified, and whether any link was called dead all the same (the counts never contradict it)."""

from __future__ import annotations

from ..models import LinkStatus
from .summary import Summary, plural


def inconclusive(summary: Summary) -> str:
    """'links resting on the network or on name resolution were not verified (see the notes); no link was
    called dead', or how many were called dead on the answers that did come."""
    dead = summary.links_by_status[LinkStatus.DEAD] + summary.links_by_status[LinkStatus.SOFT_DEAD]
    said = "no link was called dead" if not dead else (
        f"{plural(dead, 'link')} called dead or soft-dead on the answers that came")
    return f"links resting on the network or on name resolution were not verified (see the notes); {said}"
