"""seed-validator: link-health and metadata validation for corpora of news seed records."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("seed-validator")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
