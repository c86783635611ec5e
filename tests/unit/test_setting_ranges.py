"""Settings validated like data: every number finite and within its documented range, exit 2 naming the key."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import run
from validator import cli, config
from validator.declared import OPTIONS
from validator.errors import ConfigError
from validator.options import HOST, Kind, Option
from validator.patterns import compile_url_pattern

_RANGED = [o for o in OPTIONS if o.range is not None and o.kind in (Kind.INT, Kind.FLOAT, Kind.INTS)]


def _outside(option: Option) -> list[Any]:
    assert option.range is not None
    low, high = option.range.low, option.range.high
    step = 1 if option.kind in (Kind.INT, Kind.INTS) else 0.5
    below = low if option.range.above else low - step
    values = [int(below), int(high) + 1] if step == 1 else [float(below), float(high) + 1]
    return [[v] for v in values] if option.kind is Kind.INTS else values


def _table(option: Option, value: Any) -> dict[str, Any]:
    if str(option.setting).startswith(HOST):
        return {"hosts": {"h.example": {option.name: value}}}
    return {option.name: value}


@pytest.mark.parametrize("option", [o for o in _RANGED if o.key], ids=lambda o: str(o.setting))
def test_a_config_value_out_of_range_names_the_file_and_the_key(option: Option, tmp_path: Path) -> None:
    path = tmp_path / "seed-validator.toml"
    for value in _outside(option):
        with pytest.raises(ConfigError) as error:
            config.apply_file(config.Settings(), path, _table(option, value))
        assert str(error.value).startswith(f"{path}: ") and f"'{option.name}'" in str(error.value)


@pytest.mark.parametrize("option", [o for o in _RANGED if o.flag], ids=lambda o: f"--{o.name}")
def test_a_flag_value_out_of_range_exits_2_naming_the_flag(option: Option, capsys: pytest.CaptureFixture[str]) -> None:
    for value in _outside(option):
        with pytest.raises(SystemExit) as stopped:
            cli.build_parser().parse_args([option.commands[0], f"--{option.name}={value}"])
        assert stopped.value.code == 2
        message = capsys.readouterr().err.splitlines()[-1]
        assert f"argument --{option.name}: '{option.name}' must be" in message


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.kind is Kind.FLOAT and o.key], ids=lambda o: str(o.setting))
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_are_refused_in_a_config_file(option: Option, value: float, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"'{option.name}' must be a finite number"):
        config.apply_file(config.Settings(), tmp_path / "c.toml", _table(option, value))


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN", "1e999"])
def test_nan_and_inf_are_refused_on_the_command_line(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.build_parser().parse_args(["check", f"--timeout={text}"])
    assert stopped.value.code == 2
    assert "'timeout' must be a finite number" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ("concurrency = true", "'concurrency' must be a whole number, not True"),
    ("concurrency = 1.5", "'concurrency' must be a whole number, not 1.5"),
    ("max-file-size = " + "9" * 100, "'max-file-size' must be at least 1 and at most 1073741824, not a number with"),
    ("cache-max-age-good = -1", "'cache-max-age-good' must be at least 0"),
    ("accept = [200, 1000]", "'accept' takes HTTP status codes from 100 to 999, not 1000"),
    ("include = ['^https://(a)\\1']", "'include': invalid URL pattern"),
    ("exclude = ['(?=x)']", "no backreferences or look-around"),
    ('user-agent = "bot\\r\\nX-Injected: 1"', "'user-agent' must be at most 512 characters without control"),
    ("schema = ''", "'schema' must be a path"),
    ("accept = [" + "200, " * 1001 + "200]", "'accept' takes at most 1000 entries"),
    ("[hosts.'h.example']\ntimeout = nan", "hosts.h.example: 'timeout' must be a finite number"),
    ("[hosts.'h.example']\nper_host = 1", "hosts.h.example: unknown key 'per_host'; did you mean 'per-host'?"),
    ("hosts = 3", "'hosts' must be a table of at most 1000 host names"),
    ("[hosts.'h.example']\nper-host = 101", "hosts.h.example: 'per-host' must be a number above 0 and at most 100"),
])
def test_wrong_values_name_the_key(text: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "seed-validator.toml").write_text(text + "\n", encoding="utf-8")
    found = config.find_config(tmp_path)
    assert found is not None
    with pytest.raises(ConfigError) as error:
        config.apply_file(config.Settings(), *found)
    assert message in str(error.value)


def test_values_at_the_ends_of_each_range_are_accepted(tmp_path: Path) -> None:
    for option in _RANGED:
        if not option.key or option.range is None:
            continue
        for end in (option.range.low + (1 if option.range.above else 0), option.range.high):
            value = [int(end)] if option.kind is Kind.INTS else int(end) if option.kind is Kind.INT else float(end)
            config.apply_file(config.Settings(), tmp_path / "c.toml", _table(option, value))


@pytest.mark.parametrize("text, key", [("retries = 5000", "'retries' must be at least 0 and at most 20, not 5000"),
                                       ("timeout = nan", "'timeout' must be a finite number, not nan"),
                                       ("connect-timeout = inf", "'connect-timeout' must be a finite number, not inf")])
def test_the_console_script_exits_2_with_the_file_and_key(text: str, key: str, tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seed-validator.toml").write_text(text + "\n", encoding="utf-8")
    done = run("check", "--offline", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"seed-validator: error: {tmp_path / 'seed-validator.toml'}: {key}\n"


def test_retries_past_the_range_on_the_command_line_is_exit_2_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    done = run("check", "--retries", "5000", "--no-cache", cwd=tmp_path)
    assert done.returncode == 2 and "'retries' must be at least 0 and at most 20, not 5000" in done.stderr
    assert "Traceback" not in done.stderr and "OverflowError" not in done.stderr


def test_patterns_run_in_linear_time() -> None:
    """The catastrophic pattern against a long non-matching URL, in a child bounded by a timeout: with `re`
    this takes longer than the universe has existed; with the linear-time engine a fraction of a second."""
    program = ("from validator.patterns import compile_url_pattern\n"
               "p = compile_url_pattern(r'^https?://(a+)+$')\n"
               "print(p.search('http://' + 'a' * 100_000 + '!'), p.search('http://aaaa'))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and done.stdout == "False True\n", done.stderr


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=x)", r"(?<!x)y", r"(?P=n)"])
def test_backreferences_and_look_around_are_refused_with_the_reason(pattern: str) -> None:
    with pytest.raises(ValueError, match="RE2 syntax, matched in linear time: no backreferences or look-around"):
        compile_url_pattern(pattern)


def test_patterns_keep_python_syntax_for_the_common_cases() -> None:
    assert compile_url_pattern(r"^https://(www\.)?linkedin\.com/").search("https://www.linkedin.com/in/x")
    assert compile_url_pattern(r"(?i)EXAMPLE\.com").search("https://example.com/")
    assert not compile_url_pattern(r"^https://news\.").search("http://news.example/")
