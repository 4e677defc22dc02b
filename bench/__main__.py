"""``python -m bench [NAME ...]``: run the benchmark modules and print one table."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback

from bench.common import Context, Row


def _format(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def main(argv: list[str]) -> int:
    import bench

    wanted = set(argv)
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("b_")
    )
    if wanted:
        names = [n for n in names if n in wanted or n.removeprefix("b_") in wanted]
    ctx = Context()
    rows: list[Row] = []
    failed = False
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(module.run(ctx))
        except Exception:  # a broken bench must not hide the others' figures
            failed = True
            traceback.print_exc()
            rows.append(Row(name=f"{name}: FAILED", value=float("nan"), unit=""))
    header = ("measure", "value", "unit", "baseline", "baseline value", "ratio", "target", "ok")
    table = [header] + [
        (
            r.name,
            _format(r.value),
            r.unit,
            r.baseline_name,
            _format(r.baseline_value),
            _format(r.ratio),
            r.target,
            {True: "yes", False: "NO", None: ""}[r.ok],
        )
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    for i, line in enumerate(table):
        print("  ".join(str(cell).ljust(widths[j]) for j, cell in enumerate(line)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if r.note:
            print(f"  note ({r.name}): {r.note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
