"""The offline verifier as one file, for the export package (``verify_package.py``).

Built from the verifier's own modules (``audit.merkle``, ``audit.canonical``,
``audit.checkpoint``, ``audit.verify``), so the file an investigator runs is the code
the product tests: one source of truth. It needs only Python 3.11+ and ``cryptography``.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

MODULES = ("merkle", "canonical", "checkpoint", "verify")  # each after what it imports
FILE_NAME = "verify_package.py"


def _without_internal_imports(source: str) -> str:
    """The module's source minus ``from __future__`` and imports of the audit package."""
    drop: set[int] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and (node.module == "__future__" or (node.module or "").startswith("audit")):
            drop.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = source.splitlines()
    return "\n".join(line for number, line in enumerate(lines, start=1) if number not in drop)


@lru_cache(maxsize=1)
def verifier_source() -> str:
    here = Path(__file__).resolve().parent
    parts = [
        '"""Offline verifier of a takedown-desk export package (one file; needs only `cryptography`).',
        "",
        "    python3 verify_package.py PACKAGE.zip --public-key KEY-FILE",
        "",
        "Generated from the product's verifier modules: " + ", ".join(f"audit/{m}.py" for m in MODULES) + '.\n"""',
        "",
        "from __future__ import annotations",
    ]
    for module in MODULES:
        parts += ["", f"# ---- audit/{module}.py " + "-" * 60, _without_internal_imports((here / f"{module}.py").read_text())]
    source = "\n".join(parts) + "\n"
    source = source.replace('prog="python -m audit.verify"', f'prog="python3 {FILE_NAME}"')
    compile(source, FILE_NAME, "exec")  # a broken build fails here, not at the investigator's
    return source
