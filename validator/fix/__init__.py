"""Fixes, not just findings: minimal text edits that resolve what a run found (`check --fix`, `--diff`).

edits.py and scalars.py are pure text work; nodes.py finds a value's span in the composed YAML tree;
plan.py turns a record, its findings and its link verdicts into fixes; verify.py applies them to the
text and re-parses the result; apply.py does the file I/O; session.py runs it over a whole run.
"""
