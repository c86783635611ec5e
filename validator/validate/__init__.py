"""Structure stage: JSON Schema (schema.py), domain rules (rules.py), corpus-wide duplicates."""
