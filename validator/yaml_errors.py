"""A YAML syntax error in words: where the parser gave up, and where the construct it was reading began."""

from __future__ import annotations

import yaml

# A .yaml/.yml seed is the record alone; a front-matter file ('---', the record, '---', a body) fails as YAML.
FRONT_MATTER_HINT = ("; this file holds front matter (the record between '---' lines, then more): a .yaml/.yml "
                     "seed is the record alone, so drop the closing '---' and what follows, or name the file .md")


def syntax_message(error: yaml.MarkedYAMLError, *, front_matter: bool = False) -> str:
    """'invalid YAML: did not find expected key at line 4, column 2, in a block mapping that begins on line 2,
    column 1'. libyaml's context ('while parsing a block mapping') and its mark name the construct that was
    left open, often the real mistake (an unclosed quote or bracket); the problem mark is where reading
    stopped. front_matter adds the hint for a .yaml file written as front matter."""
    problem, context = error.problem, error.context
    stopped, began = error.problem_mark, error.context_mark
    if problem is None:
        text = context or "cannot be read"
    elif context and context.startswith("while "):
        what = context.split(" ", 2)[-1]  # 'while scanning a quoted scalar' -> 'a quoted scalar'
        text = f"{problem}{_at(stopped, ' at')}, in {what}"
        if began is not None and _at(began, "") != _at(stopped, ""):
            text += f" that begins{_at(began, ' on')}"
    else:
        text = " ".join(part for part in (context, problem) if part) + _at(stopped, " at")
    return f"invalid YAML: {text}" + (FRONT_MATTER_HINT if front_matter else "")


def _at(mark: yaml.Mark | None, preposition: str) -> str:
    return "" if mark is None else f"{preposition} line {mark.line + 1}, column {mark.column + 1}"
