from __future__ import annotations

import re
from pathlib import Path

import pytest

from validator import config
from validator.errors import ConfigError


def apply(text: str, tmp_path: Path, name: str = "seed-validator.toml") -> config.Settings:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = config.find_config(tmp_path)
    assert found is not None
    return config.apply_file(config.Settings(), *found)


def test_every_documented_key_is_read(tmp_path: Path) -> None:
    settings = apply("""
concurrency = 10
per-host = 3
host-interval = 0.5
timeout = 7.5
retries = 1
user-agent = "corp-bot/1"
accept = [403, 999]
include = ["^https://"]
exclude = ["example\\\\.com"]
cache = "c.sqlite"
cache-max-age-good = 3600
cache-max-age-bad = 60
max-file-size = 1000
schema = "s.json"

[hosts."slow.example"]
per-host = 1
host-interval = 2
timeout = 30
""", tmp_path)
    links = settings.links
    assert (links.concurrency, links.per_host, links.host_interval) == (10, 3, 0.5)
    assert (links.timeout, links.retries) == (7.5, 1)
    assert links.user_agent == "corp-bot/1" and links.accept == (403, 999)
    assert links.include == ("^https://",) and links.exclude == ("example\\.com",)
    assert links.hosts["slow.example"] == config.HostOverride(per_host=1, host_interval=2, timeout=30)
    # relative to the config file, like schema (issue 11.6)
    assert settings.cache.path == (tmp_path / "c.sqlite").resolve() and settings.cache.max_age_bad == 60.0
    assert settings.max_file_size == 1000 and settings.schema_path == (tmp_path / "s.json").resolve()


def test_pyproject_table_is_used_when_there_is_no_own_file(tmp_path: Path) -> None:
    settings = apply("[project]\nname = 'x'\n[tool.seed-validator]\nper-host = 4\n", tmp_path, "pyproject.toml")
    assert settings.links.per_host == 4
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert config.find_config(tmp_path) is None


@pytest.mark.parametrize("text, message", [
    ("per_host = 2", "unknown key 'per_host'; did you mean 'per-host'?"),
    ("zzz = 1", "unknown key 'zzz'; known keys:"),
    # flags only: a pull request that changes the config must not make CI read outside the checkout, nor open
    # private networks (cloud metadata, intranets) to the checker
    ("follow-symlinks = true", "'follow-symlinks' is a command-line flag only (--follow-symlinks): a config file "
                               "can be changed by a pull request, which must not make CI read outside the checkout"),
    ("allow-private = true", "'allow-private' is a command-line flag only (--allow-private): a config file can be "
                             "changed by a pull request, which must not open private networks to the checker"),
    ("allow-networks = ['10.0.0.0/8']", "'allow-networks' is a command-line flag only (--allow-networks)"),
    ("per-host = 'two'", "'per-host' must be a whole number"),
    ("timeout = true", "'timeout' must be a number"),
    ("concurrency = 0", "'concurrency' must be at least 1"),
    ("exclude = ['(']", "invalid URL pattern"),
    ("accept = [42]", "'accept' takes HTTP status codes"),
    ("[hosts.'a.example']\nspeed = 1", "hosts.a.example: unknown key 'speed'"),
    ("[hosts.'a.example']\nper-host = 0", "'per-host' must be a number above 0"),
    ("per-host = ", "is not valid TOML"),
])
def test_bad_configuration_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        apply(text, tmp_path)


def test_verdict_options_name_what_shapes_verdicts() -> None:
    offline = config.replace(config.Settings(), top={"offline": True}).verdict_options()
    assert offline == {"offline": True, "schema": "builtin", "max_file_size": config.DEFAULT_MAX_BYTES,
                       "future_tolerance_hours": 24.0, "config": None}
    online = config.Settings().verdict_options()
    assert online["per_host"] == 2 and online["allow_private"] is False and online["cache"].endswith("cache.sqlite")
