"""The GitHub Action's work (action.yml runs `python -m validator.ci.github`): choose the files from the event,
run the check (or merge shard reports), write the job summary and the step outputs.

Inputs come as SV_* environment variables (set by action.yml; never interpolated into a shell script).
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import cli
from ..errors import UsageError
from ..report.escape import annotation_data, console_line, markdown_text
from ..tree import working_tree
from . import scope, summary

REPORTS = {"report-json": "report.json", "report-md": "report.md", "report-sarif": "report.sarif",
           "report-junit": "report.junit.xml", "report-codeclimate": "report.codeclimate.json"}
EXIT_SKIPPED = 0


def main(env: Mapping[str, str] = os.environ) -> int:
    out = Path(env.get("SV_OUTPUT_DIR") or "reports")
    try:
        argv, chosen, base = _command(env, out)
    except UsageError as exc:
        print(f"::error title=seed-validator::{annotation_data(str(exc))}")
        return cli.EXIT_USAGE
    # the reason and the base name refs and files from the event: printed through escape, never a command
    print(console_line(f"seed-validator: {chosen.reason}" + (f" (since {base})" if base else "")))
    if chosen.kind == "skip":
        code = EXIT_SKIPPED
        _append(env.get("GITHUB_STEP_SUMMARY"), f"seed-validator: nothing checked: {markdown_text(chosen.reason)}.\n")
    else:
        print(console_line("seed-validator " + shlex.join(argv)), flush=True)
        code = cli.main(argv)
        report = out / "report.md"
        if env.get("SV_SUMMARY", "true") == "true" and report.is_file():
            _append(env.get("GITHUB_STEP_SUMMARY"), summary.fit(report.read_text(encoding="utf-8"),
                                                                full_report=str(report)))
    outputs = {"exit-code": str(code), "scope": chosen.kind, "base": base or "", "report-dir": str(out)}
    outputs |= {name: str((out / file).resolve()) if (out / file).is_file() and chosen.kind != "skip" else ""
                for name, file in REPORTS.items()}
    _write_outputs(env.get("GITHUB_OUTPUT"), outputs)
    return 0


def _command(env: Mapping[str, str], out: Path) -> tuple[list[str], scope.Plan, str | None]:
    extra = shlex.split(env.get("SV_ARGS", ""))
    common = ["--output-dir", str(out), "--fail-on", env.get("SV_FAIL_ON") or "error"]
    link_base = _link_base(env)
    if link_base:
        common += ["--link-base", link_base]
    formats = env.get("SV_FORMAT") or "json,md,sarif"
    if env.get("SV_MERGE"):
        try:
            reports = sorted({str(p) for pattern in shlex.split(env["SV_MERGE"]) for p in Path().glob(pattern)})
        except (NotImplementedError, ValueError) as exc:
            raise UsageError(f"merge: {env['SV_MERGE']!r}: give patterns relative to the working directory") from exc
        if not reports:
            raise UsageError(f"merge: no report matches {env['SV_MERGE']}")
        # The merged report.json is always written (the report-json output, a later step's input).
        names = [name.strip() for name in formats.split(",") if name.strip() not in ("", "json", "none")]
        return ["merge", *reports, *common, "--format", ",".join(["json", *names]), *extra], \
            scope.Plan("all", f"merging {len(reports)} shard report(s)"), None
    chosen = scope.plan(env.get("GITHUB_EVENT_NAME", ""), env.get("GITHUB_REF", ""), _event(env),
                        whole=env.get("SV_SCOPE", "changed") == "all")
    base = scope.resolve(chosen)
    recheck = scope.touched(base, shlex.split(env.get("SV_RECHECK_ON", ""))) if base else []
    if recheck:
        chosen, base = scope.Plan("all", f"the whole corpus: {', '.join(recheck[:3])} changed since {base}"), None
    argv = ["check", *(["--changed-since", base] if base else []), *common, "--format", formats]
    if env.get("SV_OFFLINE") == "true":
        argv.append("--offline")
    return [*argv, *extra, *shlex.split(env.get("SV_PATHS", ""))], chosen, base


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload {path}: {exc}") from exc
    return event if isinstance(event, dict) else {}


def _link_base(env: Mapping[str, str]) -> str | None:
    """Links to the files at the commit checked: SERVER/REPOSITORY/blob/SHA/ plus where the run stands."""
    server, repository, sha = (env.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repository and sha):
        return None
    here = os.path.relpath(Path.cwd().resolve(), working_tree().resolve())
    prefix = "" if here == "." else quote(Path(here).as_posix()) + "/"
    return f"{server.rstrip('/')}/{repository}/blob/{sha}/{prefix}"


def _append(path: str | None, text: str) -> None:
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)


def _write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    lines = []
    for name, value in outputs.items():
        delimiter = f"EOF_{secrets.token_hex(8)}"  # a value can never end the block early
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    if path:
        _append(path, "".join(lines))
    else:
        sys.stdout.write("".join(f"{name}={value}\n" for name, value in outputs.items()))


if __name__ == "__main__":
    sys.exit(main())
