"""``python -m prevention.corpus --out FILE --n N [--seed S]``: the corpus as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from prevention.corpus.posts import generate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m prevention.corpus",
        description="The evaluation corpus of the personal-information detectors, as JSON lines.",
    )
    parser.add_argument("--out", required=True, help="JSON-lines file to write ('-' for stdout)")
    parser.add_argument("--n", type=int, default=2000, help="number of posts")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    samples = generate(args.n, args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for sample in samples:
            out.write(json.dumps(sample.to_json(), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0
