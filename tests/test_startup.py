"""Start-up: `--version` and the one-file offline CI check import nothing they do not use.

What they do import is read from `python -X importtime` (how long it takes is measured in bench/, never here).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REAL_SEED, variant

NETWORK_AND_REPORTS = {"httpx", "httpcore", "h2", "h11", "anyio", "sqlite3", "jinja2", "xml.etree.ElementTree",
                       "multiprocessing", "concurrent.futures", "importlib.metadata", "html.parser"}


def imported(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "validator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_version_imports_neither_the_cli_nor_yaml(tmp_path: Path) -> None:
    modules = imported("--version", cwd=tmp_path)
    assert "validator.entry" in modules
    assert not modules & {"validator.cli", "validator.pipeline", "yaml", "jsonschema", "jsonschema_rs", "argparse",
                          *NETWORK_AND_REPORTS}


def test_one_valid_file_offline_needs_no_python_jsonschema_network_or_html(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    shutil.copy(REAL_SEED, tmp_path / "seeds" / "a.txt")
    modules = imported("check", "--offline", "seeds/a.txt", cwd=tmp_path)
    assert {"validator.pipeline", "yaml", "jsonschema_rs"} <= modules
    assert not modules & {"jsonschema", *NETWORK_AND_REPORTS}
    # Nor what only other runs use: fix planning (a run that found something), a config file's TOML, diffs and
    # close-match hints, hashing (shards, SARIF fingerprints, the article index's content keys), package data
    # looked up through importlib.resources.
    assert not modules & {"validator.fix.session", "tomllib", "difflib", "hashlib", "importlib.resources", "zipfile"}


def test_an_invalid_record_brings_in_the_reference_for_its_findings(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(variant(("quality: 37", "quality: lots")), encoding="utf-8")
    assert "jsonschema" in imported("check", "--offline", "seeds/a.txt", cwd=tmp_path)
