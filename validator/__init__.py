"""seed-validator: link-health and metadata validation for corpora of news seed records."""

# The one place the version is written: pyproject.toml reads it from here ([tool.setuptools.dynamic]).
# A constant, not importlib.metadata: looking the version up costs ~40 ms at every start.
__version__ = "0.1.0"
