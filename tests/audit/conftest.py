"""The audit tests use the suite-wide fixtures of tests/conftest.py."""
