"""The JSON Schemas of seed-validator, installed as validator.schemas."""
