"""`seed-validator check` with links, end to end, against a loopback farm."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import assert_valid_report
from tests.integration.server import Farm, running_farm
from tests.test_cli import run
from validator import cli
from validator.check.guard import DnsFailure, GuardedBackend

pytestmark = pytest.mark.slow


def seed(farm: Farm, page: str, image: str) -> str:
    return f"""---
category: news
title: "A story"
excerpt: "Something happened."
publishedDateTime: 2021-04-09T11:00:00Z
originalUrl: "{farm.url(page)}"
webUrl: "{farm.url(page)}"
type: article
provider:
  name: Farm
  domain: 127.0.0.1
topics:
  - Testing
images:
  - url: "{farm.url(image)}"
    width: 480
    height: 320
secured: "YWJj;ZGVm"
---
"""


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with running_farm() as running:
        yield running


@pytest.fixture
def corpus(tmp_path: Path, farm: Farm) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "good.txt").write_text(seed(farm, "/ok", "/image.png"), encoding="utf-8")
    return tmp_path


def test_links_are_checked_and_reported(corpus: Path, farm: Farm) -> None:
    done = run("check", "--allow-private", "--format", "json,md,junit,sarif", cwd=corpus)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 link(s) (2 ok)" in done.stdout
    report = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["run"]["links_checked"] is True
    assert report["summary"]["links_by_status"]["ok"] == 2
    page = next(link for link in report["links"] if link["kind"] == "page")
    assert [o["pointer"] for o in page["occurrences"]] == ["/originalUrl", "/webUrl"]
    assert [o["line"] for o in page["occurrences"]] == [6, 7]
    assert (corpus / ".seed-validator" / "cache.sqlite").is_file()

    again = run("check", "--allow-private", cwd=corpus)
    report = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert again.returncode == 0 and all(link["from_cache"] for link in report["links"])


def test_a_dead_link_fails_the_run_with_its_line(corpus: Path, farm: Farm) -> None:
    (corpus / "seeds" / "bad.txt").write_text(seed(farm, "/missing", "/ok"), encoding="utf-8")
    done = run("check", "--allow-private", "--no-cache", "--format", "json,md,sarif", cwd=corpus)
    assert done.returncode == 1
    assert f"seeds/bad.txt:7:9: error link/dead page link dead: {farm.url('/missing')} (HTTP 404) (/webUrl)" \
        in done.stdout
    assert "error link/mismatch image link mismatch" in done.stdout
    report = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["summary"]["links_by_status"]["dead"] == 1
    markdown = (corpus / "reports" / "report.md").read_text(encoding="utf-8")
    assert "## Links: dead (1)" in markdown and "## Links: mismatch (1)" in markdown
    assert not (corpus / ".seed-validator").exists()


def test_without_allow_private_loopback_links_are_skipped_not_dead(corpus: Path) -> None:
    done = run("check", "--no-cache", cwd=corpus)
    assert done.returncode == 0
    assert "2 link(s) (2 skipped)" in done.stdout


def test_offline_network_is_inconclusive_exit_3(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    async def no_dns(self: GuardedBackend, host: str) -> list[object]:
        raise DnsFailure(f"cannot resolve {host}: Temporary failure in name resolution", permanent=False)

    monkeypatch.setattr(GuardedBackend, "_lookup", no_dns)
    monkeypatch.chdir(corpus)
    # the URLs' host only: a provider domain of 'localhost' is a schema error, and definite failures win over 3
    (corpus / "seeds" / "good.txt").write_text(
        (corpus / "seeds" / "good.txt").read_text(encoding="utf-8").replace("http://127.0.0.1", "http://localhost"),
        encoding="utf-8")
    code = cli.main(["check", "--no-cache", "--allow-private"])
    output = capsys.readouterr().out
    assert code == 3
    assert ("INCONCLUSIVE: links resting on the network or on name resolution were not verified (see the notes); "
            "no link was called dead") in output
    # every lookup failed and nothing was reached: the note says both, and what to check
    assert "note: host names could not be resolved" in output and "the network looks unavailable" in output
    assert "Check DNS (and any proxy) and run again" in output
    assert "(--offline checks the structure only)" in output
    report = json.loads((corpus / "reports" / "report.json").read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert report["run"]["inconclusive"] is True and report["summary"]["links_by_status"]["dead"] == 0


def test_config_in_pyproject_is_used_and_flags_override_it(corpus: Path) -> None:
    (corpus / "pyproject.toml").write_text('[tool.seed-validator]\nexclude = ["image\\\\.png"]\n'
                                           'cache = "custom/cache.sqlite"\n', encoding="utf-8")
    done = run("check", "--allow-networks", "127.0.0.0/8", cwd=corpus)
    assert done.returncode == 0, done.stderr
    assert "2 link(s) (1 ok, 1 skipped)" in done.stdout
    assert (corpus / "custom" / "cache.sqlite").is_file()


def test_a_config_file_cannot_open_private_networks(corpus: Path) -> None:
    """A pull request can change the config: allow-private there is refused (exit 2, saying why and what
    to do), and nothing is fetched."""
    (corpus / "seed-validator.toml").write_text("allow-private = true\n", encoding="utf-8")
    done = run("check", "--no-cache", cwd=corpus)
    assert done.returncode == 2
    assert "'allow-private' is a command-line flag only (--allow-private)" in done.stderr
    assert not (corpus / "reports").exists()
    (corpus / "seed-validator.toml").write_text("allow-networks = ['127.0.0.0/8']\n", encoding="utf-8")
    assert run("check", "--no-cache", cwd=corpus).returncode == 2
