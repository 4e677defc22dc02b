"""Environment readers usable before Django settings are loaded."""

import os


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def serve_address() -> tuple[str, str]:
    """The host and port ``make run`` binds (``HOST``, ``PORT``): read here only.

    ``takedown.run`` binds them and the settings derive the default public address from
    them, so the links the product prints point at the server actually running.
    """
    return os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")


def default_public_base_url() -> str:
    """``http://HOST:PORT`` of the development server; a wildcard bind is reached on loopback."""
    host, port = serve_address()
    if host in {"", "0.0.0.0"}:
        host = "127.0.0.1"
    elif host in {"::", "[::]"}:
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
