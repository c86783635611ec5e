from __future__ import annotations

import io

from validator.models import Progress
from validator.progress import ProgressDisplay, format_progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_shows_checked_total_rate_broken_and_eta() -> None:
    assert format_progress(Progress(50, 200, 3, 10.0)) == "links 50/200 checked, 5/s, 3 broken, ETA 30s"
    assert format_progress(Progress(10, 1000, 0, 1.0)) == "links 10/1000 checked, 10/s, 0 broken, ETA 1m39s"
    assert format_progress(Progress(200, 200, 3, 10.0)) == "links 200/200 checked, 20/s, 3 broken"


def test_terminal_gets_one_live_line_rewritten_in_place() -> None:
    stream = _Tty()
    display = ProgressDisplay(stream)
    for done in range(1, 101):
        display(Progress(done, 100, 0, done * 0.01))
    text = stream.getvalue()
    assert text.startswith("\r\x1b[2K") and text.endswith("links 100/100 checked, 100/s, 0 broken\n")
    assert text.count("\n") == 1


def test_a_pipe_gets_plain_lines_now_and_then() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream)
    for done in range(1, 1001):
        display(Progress(done, 1000, 1, done * 0.001))
    lines = stream.getvalue().splitlines()
    assert lines == ["links 1/1000 checked, 1000/s, 1 broken, ETA 0s", "links 1000/1000 checked, 1000/s, 1 broken"]
    assert "\r" not in stream.getvalue()
