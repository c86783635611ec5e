"""What a pull request can put in a config file or a schema must not hang the run or write outside the tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import REAL_SEED
from tests.test_cli import run


def _tree(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / "seeds").mkdir(parents=True)
    shutil.copy(REAL_SEED, work / "seeds" / "a.txt")
    return work


def test_a_catastrophic_schema_pattern_is_matched_in_linear_time(tmp_path: Path) -> None:
    work = _tree(tmp_path)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"title": {"type": "string", "pattern": "^(a+)+$"}}}
    (work / "evil.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (work / "seed-validator.toml").write_text('schema = "evil.schema.json"\n', encoding="utf-8")
    (work / "seeds" / "a.txt").write_text("---\ntitle: \"" + "a" * 60 + "!\"\n---\n", encoding="utf-8")
    done = run("check", "--offline", "seeds", cwd=work)  # run() bounds it at 60 s; Python's re would take years
    assert done.returncode == 1, done.stdout + done.stderr
    assert "schema/pattern" in done.stdout and (work / "reports" / "report.json").is_file()


def test_a_schema_pattern_re2_cannot_match_linearly_is_refused(tmp_path: Path) -> None:
    work = _tree(tmp_path)
    schema = {"type": "object", "properties": {"title": {"type": "string", "pattern": "^(a)\\1$"}}}
    (work / "back.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    done = run("check", "--offline", "--schema", "back.schema.json", "seeds", cwd=work)
    assert done.returncode == 2 and "pattern cannot be used" in done.stderr and "Traceback" not in done.stderr


def test_a_config_cannot_point_the_cache_outside_the_tree(tmp_path: Path) -> None:
    work = _tree(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious data\n", encoding="utf-8")
    (work / "seed-validator.toml").write_text(f'cache = "{victim}"\n', encoding="utf-8")
    done = run("check", "--allow-private", "seeds", cwd=work)
    assert done.returncode == 2 and "leads outside the working tree" in done.stderr, done.stderr
    assert victim.read_text(encoding="utf-8") == "precious data\n"
    assert not (tmp_path / "victim.txt.corrupt").exists()


def test_a_key_with_a_line_break_does_not_break_merge_diff_or_previous(tmp_path: Path) -> None:
    work = _tree(tmp_path)
    (work / "seeds" / "k.txt").write_text('---\n"a\\nb": 1\n---\n', encoding="utf-8")
    for k in (1, 2):
        run("check", "--offline", "--shard", f"{k}/2", "--output-dir", f"shard{k}", "seeds", cwd=work)
    merged = run("merge", "shard1/report.json", "shard2/report.json", "--output-dir", "merged", cwd=work)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    report = json.loads((work / "merged" / "report.json").read_text(encoding="utf-8"))
    assert any(v["pointer"] == "/a\nb" for v in report["violations"])
    assert run("diff", "merged/report.json", "merged/report.json", cwd=work).returncode == 0
    again = run("check", "--offline", "--previous", "merged/report.json", "--output-dir", "again", "seeds", cwd=work)
    assert again.returncode == 1 and "Traceback" not in again.stderr, again.stderr
