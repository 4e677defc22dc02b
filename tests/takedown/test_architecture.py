"""The layering holds: import-linter's contract, one extension mechanism, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from takedown import extensions

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _app_modules():
    for app in extensions.LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_apps_keep_their_layers_function_local_imports_included():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_extension_point_is_documented_in_the_architecture_page():
    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    missing = [name for name in extensions.points() if f"`{name}`" not in page]
    assert not missing, f"document these extension points in docs/ARCHITECTURE.md: {missing}"


def test_every_timer_kind_and_hook_has_a_receiver_or_a_caller():
    points = extensions.points()
    assert "deadlines.timer_handlers" in points and "complaints.before_submit" in points
    # Every point declared is used: something is connected to it.
    unused = [name for name, point in points.items() if not point.receivers]
    assert not unused, f"extension points nothing connects to: {unused}"


def test_no_app_wires_other_apps_in_its_app_config():
    for path in ROOT.glob("*/apps.py"):
        tree = ast.parse(path.read_text())
        own = path.parent.name
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                top = node.module.split(".")[0]
                assert top == own or top not in extensions.LAYERS or top == "takedown", (
                    f"{path}: AppConfig imports {node.module}; connect in extensions.py instead"
                )


def test_modules_and_functions_stay_small():
    too_long = []
    for path in _app_modules():
        source = path.read_text()
        relative = path.relative_to(ROOT)
        if source.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{relative}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{relative}:{node.lineno} {node.name}(): {length} lines")
    assert not too_long, "split these:\n" + "\n".join(too_long)


def test_every_function_on_submitted_has_its_batch_form():
    """The batch endpoint calls ``submitted_many`` instead of ``submitted``: nothing may be skipped."""
    from complaints import hooks

    single = {fn.__module__ for fn in hooks.submitted.receivers}
    batch = {fn.__module__ for fn in hooks.submitted_many.receivers}
    assert single and single == batch
