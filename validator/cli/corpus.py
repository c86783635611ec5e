"""What a run reads: the PATHs given (folders: the corpus; files: checked against it), --changed-since,
--files-from and --shard made into the run's settings and scope, with a usage error for what cannot be."""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .. import config, pipeline
from ..errors import UsageError
from ..seedfiles import Skip, skipped_text
from ..selection import changed_since, existing, files_from, seed_candidates, shown_path
from ..shard import parse_shard
from ..tree import SEED_SUFFIXES, Tree, is_folder
from .parser import settings_from


def run_scope(args: argparse.Namespace, settings: config.Settings, named: Sequence[Path]) -> pipeline.Scope:
    """What the run checks. named: the seed files among the files named as PATHs (see named_seeds)."""
    if sum(map(bool, (args.changed_since, args.files_from, named_files(args)))) > 1:
        raise UsageError("seed files named, --changed-since and --files-from each choose the files; give one of them")
    output_dir = getattr(args, "output_dir", None)
    skip = (output_dir,) if output_dir is not None else ()
    files = None
    tree = Tree.working(follow_symlinks=settings.follow_symlinks)  # what the run may read, walks included
    if named_files(args):
        # Files named (pre-commit passes them in batches) are checked against the whole corpus; the seed
        # files of the folders named too.
        folders_named = any(is_folder(path) for path in args.paths)
        files = (*named, *(pipeline.seed_files(settings, skip, tree=tree) if folders_named else ()))
    elif args.changed_since:
        files = tuple(settings.file_filter().listed(changed_since(args.changed_since, settings.paths)))
    elif args.files_from:
        files = tuple(settings.file_filter().listed(existing(seed_candidates(files_from(args.files_from)))))
    shard = parse_shard(args.shard, total=args.shard_total) if args.shard else None
    if shard is not None and files is not None:
        raise UsageError("--shard splits a whole-corpus audit; it does not combine with --changed-since/--files-from")
    return pipeline.Scope(files, shard, skip_dirs=skip, tree=tree)


def named_files(args: argparse.Namespace) -> list[Path]:
    return [path for path in args.paths if not is_folder(path)]


def require_paths(args: argparse.Namespace) -> None:
    """UsageError naming the first PATH (file or folder) that does not exist."""
    missing = next((path for path in args.paths if not os.path.lexists(path)), None)
    if missing is not None:
        raise UsageError(f"{shown_path(missing)}: no such file or folder")


def corpus(args: argparse.Namespace, settings: config.Settings) -> config.Settings:
    """The settings with corpus paths that exist. The folders named exist (require_paths); a configured
    (or the default) path that does not is a usage error, unless files are named or --files-from lists
    them (the corpus is then the paths that exist, maybe none)."""
    missing = [path for path in settings.paths if not os.path.lexists(path)]
    if not missing:
        return settings
    if args.files_from or args.paths:  # PATHs given, none of them a folder: files named
        return dataclasses.replace(settings, paths=tuple(p for p in settings.paths if p not in missing))
    if settings.paths == config.Settings().paths:
        raise UsageError(f"no seeds/ folder here ({Path.cwd()}); name the seed files or folders to check")
    raise UsageError(f"{shown_path(missing[0])}: no such file or folder")


def named_seeds(settings: config.Settings, named: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The seed files among the files named as PATHs, and a note per file passed over: no seed, by its
    content (a report, a README without front matter). Not an error: pre-commit names every changed file
    of a seed folder."""
    chosen = settings.file_filter()
    kept, notes = [], []
    for path in named:
        reason = chosen.skip(path, named=True)
        if reason is None:
            kept.append(path)
        else:
            notes.append(f"{shown_path(path)} is not read as a seed: {reason.value}")
    return kept, notes


def require_seeds(settings: config.Settings, scope: pipeline.Scope) -> None:
    """UsageError when the paths hold no seed file, unless allow-empty (a mistyped folder must not pass)."""
    skipped: Counter[Skip] = Counter()
    if next(pipeline.seed_files(settings, scope.skip_dirs, tree=scope.tree, skipped=skipped), None) is None:
        reasons = skipped_text(skipped)
        *others, last = sorted(SEED_SUFFIXES)
        kinds = f"{', '.join(others)} or {last}"
        raise UsageError(f"no seed files under {', '.join(shown_path(p) for p in settings.paths)} "
                         f"({f'not seeds: {reasons}' if reasons else f'a seed file is a {kinds} file'}); "
                         "--allow-empty accepts that")


def run_settings(args: argparse.Namespace) -> config.Settings:
    require_paths(args)
    # The folders named are the corpus; files named are checked against it (the configured folders, else
    # seeds/, when no folder is named).
    folders = [path for path in args.paths if is_folder(path)]
    return corpus(args, settings_from(argparse.Namespace(**{**vars(args), "paths": folders})))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return True  # a path too long to look at: the run names it in a finding
