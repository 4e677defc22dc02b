"""The export package checks itself outside the product: its README's verifier, run by a
Python that sees nothing of the repository, and its sha256sum / openssl commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from audit.sequencer import public_key
from audit.standalone import verifier_source
from preservation.exports import export_path
from preservation.models import Export

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(make_complaint, make_user, token_client, legal_request_for, django_capture_on_commit_callbacks):
    complaint = make_complaint(evidence=True)
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [complaint])
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(investigator).post("/api/v1/exports/", {"legal_request": request.pk}, format="json")
    assert response.status_code == 202, response.content
    export = Export.objects.get(pk=response.json()["id"])
    return export, export_path(export)


def _outside_python(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Isolated mode (no PYTHONPATH, no user site, no script folder tricks), far from the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DJANGO"))}
    return subprocess.run([sys.executable, "-I", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _unpack(path: Path, into: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        archive.extractall(into)


def test_the_package_ships_a_readme_and_the_verifier_it_names(package, tmp_path):
    export, path = package
    with zipfile.ZipFile(path) as archive:
        readme = archive.read(f"{export.bag_name}/data/README.txt").decode()
        shipped = archive.read(f"{export.bag_name}/data/verify_package.py").decode()
    assert shipped == verifier_source()  # built from the product's verifier modules
    assert "pip install cryptography" in readme and "data/verify_package.py PACKAGE.zip --public-key" in readme
    assert "sha256sum -c manifest-sha256.txt" in readme and "openssl pkeyutl -verify" in readme


def test_the_shipped_verifier_runs_outside_the_repository_and_finds_a_changed_byte(package, tmp_path):
    export, path = package
    work = tmp_path / "investigator"
    work.mkdir()
    shutil.copy(path, work / "package.zip")
    _unpack(path, work / "unpacked")
    bag = work / "unpacked" / export.bag_name
    shutil.copy(bag / "data" / "verify_package.py", work / "verify_package.py")
    (work / "key.pem").write_bytes((bag / "data" / "signing-key.pem").read_bytes())
    probe = _outside_python(["-c", "import audit"], work)
    assert probe.returncode != 0, "the product must not be importable here"

    ok = _outside_python(["verify_package.py", "package.zip", "--public-key", "key.pem"], work)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("intact: ") and " events" in ok.stdout
    folder = _outside_python(["verify_package.py", str(bag), "--public-key", "key.pem"], work)
    assert folder.returncode == 0, folder.stderr

    record = next((bag / "data" / "cases").glob("*/record.json"))
    data = bytearray(record.read_bytes())
    data[10] ^= 0x01
    record.write_bytes(bytes(data))
    bad = _outside_python(["verify_package.py", str(bag), "--public-key", "key.pem"], work)
    assert bad.returncode == 1 and bad.stderr.startswith("NOT INTACT") and "record.json" in bad.stderr, bad.stderr


def test_the_shipped_key_is_the_platforms(package):
    from cryptography.hazmat.primitives import serialization

    export, path = package
    with zipfile.ZipFile(path) as archive:
        pem = archive.read(f"{export.bag_name}/data/signing-key.pem")
    assert serialization.load_pem_public_key(pem).public_bytes_raw() == public_key().public_bytes_raw()


def test_the_readme_commands_with_sha256sum_and_openssl_check_the_package(package, tmp_path):
    export, path = package
    _unpack(path, tmp_path / "unpacked")
    bag = tmp_path / "unpacked" / export.bag_name
    readme = (bag / "data" / "README.txt").read_text()
    section = readme.split("2. By hand", 1)[1]
    commands = [line.strip() for line in section.splitlines() if line.startswith("    ") and line.strip()]
    commands = [c for c in commands if not c.startswith(("unzip", "cd "))]
    assert [c.split()[0] for c in commands] == ["sha256sum", "sha256sum", "openssl", "openssl"]
    shutil.copy(bag / "data" / "signing-key.pem", bag / "KEY.pem")

    def run_all() -> list[subprocess.CompletedProcess]:
        return [subprocess.run(c, shell=True, cwd=bag, capture_output=True, text=True, timeout=60) for c in commands]

    results = run_all()
    assert all(r.returncode == 0 for r in results), [(r.args, r.stdout, r.stderr) for r in results]
    assert "Signature Verified Successfully" in results[-1].stdout
    assert not re.search(r": FAILED", "".join(r.stdout for r in results))

    manifest = bag / "tagmanifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes().replace(b"bagit.txt", b"bagit.txT", 1))
    assert any(r.returncode != 0 for r in run_all())  # an altered byte fails the check
