"""Environment readers usable before Django settings are loaded."""

import os


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default
