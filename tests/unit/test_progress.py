from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import variant
from validator import config, pipeline
from validator.models import Progress
from validator.progress import ProgressDisplay, format_progress
from validator.tree import Tree


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_shows_checked_total_rate_broken_and_eta() -> None:
    assert format_progress(Progress(50, 200, 3, 10.0)) == "links 50/200 checked, 5/s, 3 broken, ETA 30s"
    assert format_progress(Progress(30, 1000, 0, 3.0)) == "links 30/1000 checked, 10/s, 0 broken, ETA 1m37s"
    assert format_progress(Progress(200, 200, 3, 10.0)) == "links 200/200 checked in 10.0s, 20/s, 3 broken"
    assert format_progress(Progress(9000, 9000, 0, 75.5)) == "links 9000/9000 checked in 1m15s, 119/s, 0 broken"


def test_no_estimate_before_the_rate_has_settled() -> None:
    """The first answer after 0.09 s said 'ETA 15m48s' for 10,000 links; the first seconds estimate nothing."""
    assert format_progress(Progress(1, 10000, 0, 0.09)) == "links 1/10000 checked, 11/s, 0 broken"
    assert format_progress(Progress(40, 10000, 0, 2.9)) == "links 40/10000 checked, 14/s, 0 broken"


def test_terminal_gets_one_live_line_rewritten_in_place() -> None:
    stream = _Tty()
    display = ProgressDisplay(stream)
    for done in range(1, 101):
        display(Progress(done, 100, 0, done * 0.01))
    text = stream.getvalue()
    assert text.startswith("\r\x1b[2K") and text.endswith("links 100/100 checked in 1.0s, 100/s, 0 broken\n")
    assert text.count("\n") == 1


def test_a_pipe_gets_plain_lines_now_and_then() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream)
    for done in range(1, 1001):
        display(Progress(done, 1000, 1, done * 0.001))
    lines = stream.getvalue().splitlines()
    # A short stage adds only its last line to a log (a new-user trial: 'links 1/18 checked, 13/s' was noise).
    assert lines == ["links 1000/1000 checked in 1.0s, 1000/s, 1 broken"]
    display = ProgressDisplay(stream := io.StringIO())
    for done in range(1, 31):
        display(Progress(done, 30, 0, done * 1.0))
    # A long one: from 10 s on (then every 10 s of the clock: here it does not move), and its last line.
    assert stream.getvalue().splitlines() == ["links 10/30 checked, 1/s, 0 broken, ETA 20s",
                                              "links 30/30 checked in 30.0s, 1/s, 0 broken"]
    assert "\r" not in stream.getvalue()


def test_the_file_stage_shows_files_checked_then_a_final_line() -> None:
    assert format_progress(Progress(1500, 0, 12, 3.0, "files")) == "files 1500 checked, 500/s, 12 with findings"
    assert format_progress(Progress(2000, 2000, 12, 4.0, "files")) == (
        "files 2000/2000 checked in 4.0s, 500/s, 12 with findings")
    stream = _Tty()
    display = ProgressDisplay(stream)
    for done in range(1, 51):
        display(Progress(done, 0, 0, done * 0.01, "files"))  # total unknown while the walk goes on: never final
    assert "\n" not in stream.getvalue()
    display(Progress(50, 50, 0, 0.5, "files"))
    assert stream.getvalue().endswith("files 50/50 checked in 0.5s, 100/s, 0 with findings\n")


def test_an_offline_run_reports_its_file_stage(tmp_path: Path) -> None:
    """A long --offline run is not silent: the pipeline reports files as they are checked, then once at
    the end with the total."""
    (tmp_path / "seeds").mkdir()
    for n in range(3):
        (tmp_path / "seeds" / f"s{n}.txt").write_text(variant(("quality: 37", f"quality: {37 + n}")),
                                                       encoding="utf-8")
    seen: list[Progress] = []
    settings = config.replace(config.Settings(), top={"paths": (tmp_path / "seeds",), "offline": True, "jobs": 1})
    pipeline.run(settings, scope=pipeline.Scope(tree=Tree(tmp_path)), progress=seen.append)
    assert [(p.stage, p.done, p.total) for p in seen] == [("files", 1, 0), ("files", 2, 0), ("files", 3, 0),
                                                         ("files", 3, 3)]


def test_a_log_gets_the_file_stage_only_when_it_is_long() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream)
    display(Progress(1, 0, 0, 0.1, "files"))
    display(Progress(2, 2, 0, 0.2, "files"))
    assert stream.getvalue() == ""  # a short run: nothing
    display(Progress(5000, 0, 7, 12.0, "files"))
    display(Progress(9000, 9000, 9, 20.0, "files"))
    assert stream.getvalue().splitlines() == ["files 5000 checked, 417/s, 7 with findings",
                                              "files 9000/9000 checked in 20.0s, 450/s, 9 with findings"]
