"""Where a problem is, for tools that read paths from the repository root: SARIF and GitLab Code Quality."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from ..problems import Problem


@dataclass(frozen=True, slots=True)
class SourceRoot:
    """The repository root and the working directory the report's file paths are relative to (absolute,
    POSIX)."""

    root: str
    cwd: str

    @classmethod
    def at(cls, root: Path | None = None) -> SourceRoot:
        """Paths from root (--sarif-root, the git top-level; None: the working directory) for file paths given
        relative to the working directory."""
        cwd = Path.cwd().resolve()
        return cls((root or cwd).resolve().as_posix(), cwd.as_posix())

    def relative(self, file: str) -> str | None:
        """The file's path from the repository root ('/'-separated), or None when it lies outside."""
        joined = posixpath.normpath(posixpath.join(self.cwd, file))
        try:
            path = PurePosixPath(joined).relative_to(posixpath.normpath(self.root))
        except ValueError:
            return None
        return path.as_posix()

    def uri(self, file: str) -> tuple[str, bool]:
        """An RFC 3986 URI reference for the file and whether it is relative to the root (%SRCROOT%)."""
        relative = self.relative(file)
        if relative is not None:
            return quote(relative, safe="/"), True
        return "file://" + quote(posixpath.normpath(posixpath.join(self.cwd, file)), safe="/"), False


def fingerprint(problem: Problem, path: str) -> str:
    """Stable across runs and line moves: the file (from the root), the pointer, the rule and the URL."""
    import hashlib  # noqa: PLC0415  (SARIF and Code Quality only: not imported with every run)

    key = json.dumps([path, problem.pointer, problem.rule, problem.url], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
