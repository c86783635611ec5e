"""Run-stopping problems. Everything about one file or one link is data (a finding), not an exception."""


class ValidatorError(Exception):
    """Base of the problems that stop a run; the CLI turns each into a message and exit code 2."""


class SchemaLoadError(ValidatorError):
    """The schema in use cannot be read or is not a valid JSON Schema."""


class ConfigError(ValidatorError):
    """A configuration file or option is invalid."""


class UsageError(ValidatorError):
    """The command line asks for something that cannot be done."""
