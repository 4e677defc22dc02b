"""``python -m takedown.run``: web, Celery worker and scheduler together (``make run``).

Stops all three when any one exits or on Ctrl-C, so a half-running product is never
left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from takedown.settings_env import default_public_base_url, serve_address

HOST, PORT = serve_address()


def main() -> int:
    python = sys.executable
    commands = {
        "web": [python, "-m", "gunicorn", "takedown.wsgi:application", "--bind", f"{HOST}:{PORT}",
                "--workers", os.environ.get("WEB_CONCURRENCY", "2"), "--access-logfile", "-"],
        "worker": [python, "-m", "celery", "-A", "takedown", "worker", "--loglevel", "INFO",
                   "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")],
        "beat": [python, "-m", "celery", "-A", "takedown", "beat", "--loglevel", "INFO"],
    }
    processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
    base = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/") or default_public_base_url()
    print(f"\nTakedown desk: {base}/report/  (staff: {base}/staff/login/, API docs: {base}/api/docs/)\n",
          flush=True)
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the others", file=sys.stderr)
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
