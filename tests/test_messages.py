"""Messages a person understands (issue 11.5), as the console prints them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REAL_SEED, position_of, real_seed_text, variant
from tests.test_cli import run

CDN = ('cdnAmpWebUrl: "https://reason-com.cdn.ampproject.org/c/s/reason.com/2021/04/09/cops-are-using-facial-'
       'recognition-technology-more-than-previously-revealed/?amp"')
AMP = ('ampWebUrl: "https://reason.com/2021/04/09/cops-are-using-facial-recognition-technology-more-than-previously-'
       'revealed/?amp"')


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "seeds").mkdir()
    return tmp_path / "seeds"


def console(seeds: Path, name: str, text: str) -> list[str]:
    for earlier in seeds.iterdir():  # a file named is checked against the corpus: no duplicate of an earlier one
        earlier.unlink()
    (seeds / name).write_text(text, encoding="utf-8")
    done = run("check", "--offline", f"seeds/{name}", cwd=seeds.parent)
    assert done.returncode == 1, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith(f"seeds/{name}:")]


def test_a_dependency_says_which_field_needs_which_at_the_field_that_is_there(seeds: Path) -> None:
    text = variant((AMP + "\n", ""))
    line, column = position_of(text, "cdnAmpWebUrl:")
    assert console(seeds, "s.txt", text) == [
        f"seeds/s.txt:{line}:{column}: error schema/dependentRequired cdnAmpWebUrl needs ampWebUrl, which is missing"]
    text = variant(("published: false\n", ""))
    assert console(seeds, "q.txt", text) == [
        f"seeds/q.txt:{position_of(text, 'quality:')[0]}:1: error schema/dependentRequired quality needs published, "
        "which is missing",
        f"seeds/q.txt:{position_of(text, 'heat:')[0]}:1: error schema/dependentRequired heat needs published, "
        "which is missing"]


def test_every_declared_dependency_holds_in_the_real_seed_and_the_format() -> None:
    # seed-format.md: ampWebUrl and cdnAmpWebUrl always together (top level and related items); quality, heat
    # and published present together (~93%) or absent together. The real seed has both groups.
    schema = json.loads((Path(__file__).parent.parent / "schemas" / "seed.schema.json").read_text(encoding="utf-8"))
    groups = {frozenset([key, *needed]) for key, needed in schema["dependentRequired"].items()}
    assert groups == {frozenset({"ampWebUrl", "cdnAmpWebUrl"}), frozenset({"quality", "heat", "published"})}
    related = schema["$defs"]["related"]["dependentRequired"]
    assert related == {"ampWebUrl": ["cdnAmpWebUrl"], "cdnAmpWebUrl": ["ampWebUrl"]}
    record = real_seed_text()
    for group in groups:
        assert all(re.search(rf"^{key}:", record, re.MULTILINE) for key in group)


def test_a_pattern_failure_says_the_shape_in_words_not_the_regex(seeds: Path) -> None:
    secured = re.search(r"^secured: .*$", real_seed_text(), re.MULTILINE)
    assert secured is not None
    text = real_seed_text().replace(secured.group(0), "secured: not-base64")
    [line] = console(seeds, "s.txt", text)
    assert line.endswith("error schema/pattern 'not-base64' must be two base64 parts joined by ';', as in "
                         "'SGVsbG8=;d29ybGQ=' (/secured)")
    lines = console(seeds, "d.txt", variant(("domain: reason.com", "domain: https://reason.com/")))
    [domain] = [line for line in lines if "schema/pattern" in line]
    assert "'https://reason.com/' must be a domain name such as reason.com" in domain
    assert "[A-Za-z0-9" not in line + domain


def test_a_yaml_error_names_where_the_construct_began_and_where_reading_stopped(seeds: Path) -> None:
    text = variant(('title: "Cops Are Using', 'title: "Cops Are Using" more'))
    line, column = position_of(text, '"Cops Are Using"')
    [finding] = console(seeds, "s.txt", text)
    assert finding.startswith(f"seeds/s.txt:{line}:{column + len('Cops Are Using') + 3}: error yaml/syntax")
    text = "---\ntitle: x\nprovider:\n  name: Reason\n domain: reason.com\n---\n"
    assert console(seeds, "b.txt", text) == [
        "seeds/b.txt:5:2: error yaml/syntax invalid YAML: did not find expected key at line 5, column 2, in a "
        "block mapping that begins on line 2, column 1"]
    text = '---\ntitle: "unclosed\nexcerpt: x\n---\n'
    assert console(seeds, "q.txt", text) == [
        "seeds/q.txt:4:1: error yaml/syntax invalid YAML: found unexpected end of stream at line 4, column 1, in a "
        "quoted scalar that begins on line 2, column 8"]


def test_a_yaml_file_holding_front_matter_gets_a_hint(seeds: Path) -> None:
    [finding] = console(seeds, "s.yaml", real_seed_text() + "\nThe article's body.\n")
    assert "error yaml/syntax invalid YAML: " in finding
    assert finding.endswith("this file holds front matter (the record between '---' lines, then more): a .yaml/.yml "
                            "seed is the record alone, so drop the closing '---' and what follows, or name the file "
                            ".md")
    shutil.copy(REAL_SEED, seeds / "plain.yml")  # the record with its opening '---' alone is plain YAML
    plain = (seeds / "plain.yml").read_text(encoding="utf-8")
    (seeds / "plain.yml").write_text(plain[:plain.rindex("---")], encoding="utf-8")
    assert run("check", "--offline", "seeds/plain.yml", cwd=seeds.parent).returncode == 0
