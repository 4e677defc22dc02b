"""Export package writer against the ``zip`` command on the same files.

The package writer does more than ``zip -r``: it hashes every file with SHA-256,
canonicalises the events, writes their proofs, the manifests, the evidence list and a
signature. The target is that this costs at most 1.5x the plain ZIP. The Merkle tree
is built before timing: in production the proofs come from stored tree nodes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.canonical import canonical_bytes, event_leaf_hash
from audit.checkpoint import sign_checkpoint
from audit.merkle import MerkleTree
from audit.package import EventProof, PackageWriter
from bench.common import Context, Row, best_of

TARGET = 1.5
_SUFFIXES = (".jpg", ".png", ".pdf")


def _make_events(count: int) -> list[dict[str, object]]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        {
            "id": i + 1,
            "created_at": start + timedelta(seconds=i, microseconds=i),
            "actor": f"user:{i % 17}",
            "code": "case.decision_recorded" if i % 3 else "evidence.preserved",
            "target_type": "case",
            "target_id": str(1000 + i // 7),
            "details": {
                "measure": "remove",
                "items": [i, i + 1],
                "note": "复核通过",
                "score": i / 7,
            },
        }
        for i in range(count)
    ]


def run(ctx: Context) -> list[Row]:
    name = "export package vs zip -r (100 MB evidence + 10k events)"
    if shutil.which("zip") is None:
        return [
            Row(name=name, value=float("nan"), unit="s", note="zip is not installed: not measured")
        ]
    total_mb = 20 if ctx.quick else 100
    n_events = 10_000
    file_mb = 2
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        source = work / "case"
        (source / "evidence").mkdir(parents=True)
        for i in range(total_mb // file_mb):
            path = source / "evidence" / f"item-{i:03d}{_SUFFIXES[i % 3]}"
            path.write_bytes(os.urandom(file_mb << 20))
        events = _make_events(n_events)
        (source / "events.jsonl").write_bytes(b"".join(canonical_bytes(e) + b"\n" for e in events))

        key = Ed25519PrivateKey.generate()
        tree = MerkleTree([event_leaf_hash(e) for e in events])
        checkpoint = sign_checkpoint("bench.invalid/audit", tree.size, tree.root(), key, "bench")
        proofs = [EventProof(i, tree.inclusion_proof(i)) for i in range(n_events)]
        evidence = sorted((source / "evidence").iterdir())
        out = work / "out"
        out.mkdir()

        def zip_command() -> None:
            target = out / "plain.zip"
            target.unlink(missing_ok=True)
            subprocess.run(["zip", "-q", "-r", str(target), "case"], cwd=work, check=True)

        def zip_store_suffixes() -> None:
            target = out / "stored.zip"
            target.unlink(missing_ok=True)
            subprocess.run(
                ["zip", "-q", "-r", "-n", ".jpg:.png:.pdf", str(target), "case"],
                cwd=work,
                check=True,
            )

        def package() -> None:
            target = out / "package.zip"
            target.unlink(missing_ok=True)
            with PackageWriter(
                target, signing_key=key, key_name="bench", bag_info={"Request-Reference": "BENCH-1"}
            ) as writer:
                for path in evidence:
                    writer.add_file(
                        f"data/evidence/{path.name}", path, "screenshot", path.suffix[1:]
                    )
                writer.add_events(events, proofs, checkpoint)

        repeats = 2
        baseline = best_of(repeats, zip_command)
        stored_baseline = best_of(repeats, zip_store_suffixes)
        measured = best_of(repeats, package)
        ratio = measured / baseline
        return [
            Row(
                name=name if not ctx.quick else name.replace("100 MB", f"{total_mb} MB"),
                value=measured,
                unit="s",
                target=f"<= {TARGET}x",
                baseline_name="zip -r",
                baseline_value=baseline,
                ratio=ratio,
                ok=ratio <= TARGET,
                note=(
                    f"zip -r -n .jpg:.png:.pdf (stores like the writer does) took {stored_baseline:.2f} s, "
                    f"ratio {measured / stored_baseline:.2f}x; evidence is random bytes "
                    f"in {file_mb} MB files"
                ),
            )
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
