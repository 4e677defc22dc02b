"""What an export package says about checking itself: ``data/README.txt``, the one-file
verifier ``data/verify_package.py`` and the signing key, written into every package."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.checkpoint import verifier_key_string
from audit.standalone import FILE_NAME, verifier_source

README = "data/README.txt"
VERIFIER = f"data/{FILE_NAME}"
KEY_PEM = "data/signing-key.pem"
KEY_NOTE = "data/verifier-key.txt"

README_TEXT = """\
Export package {bag}
====================

This ZIP holds one BagIt bag (RFC 8493): the folder {bag}/. Its files are listed with
their SHA-256 in manifest-sha256.txt; bagit.txt, bag-info.txt and manifest-sha256.txt are
listed in tagmanifest-sha256.txt, which is signed with the platform's Ed25519 key
(tagmanifest-sha256.txt.sig, base64). data/events.jsonl holds the audit events of the
cases, each with its inclusion proof (data/proofs.jsonl) against the signed checkpoint
data/checkpoint.txt.

The key. data/signing-key.pem and data/verifier-key.txt hold the platform's public
key as the platform wrote them. Compare it with the key the platform publishes (ask it,
or its operator runs `python manage.py audit_public_key`): a package and a key that
came together prove nothing on their own. Its key ID and name: {verifier_key}

1. The verifier (checks everything: manifests, signatures, checkpoint, every proof)
-----------------------------------------------------------------------------------
Needs Python 3.11 or newer and the `cryptography` package, nothing else; no network.

    python3 -m venv verifier-env
    verifier-env/bin/pip install cryptography
    unzip PACKAGE.zip -d unpacked
    verifier-env/bin/python unpacked/{bag}/data/{verifier} PACKAGE.zip --public-key KEY-FILE

KEY-FILE is the key you obtained from the platform (PEM, or the verifier key line).
It prints "intact: ..." with what it checked and exits 0, or "NOT INTACT: ..." naming
the first file and line that does not match, and exits 1. It can also check the unpacked folder: give unpacked/{bag}.

2. By hand, with sha256sum and openssl (OpenSSL 3.0 or newer)
-------------------------------------------------------------
    unzip PACKAGE.zip -d unpacked && cd unpacked/{bag}
    sha256sum -c tagmanifest-sha256.txt
    sha256sum -c manifest-sha256.txt
    openssl base64 -d -A -in tagmanifest-sha256.txt.sig -out tagmanifest.sig.bin
    openssl pkeyutl -verify -pubin -inkey KEY.pem -rawin -in tagmanifest-sha256.txt -sigfile tagmanifest.sig.bin

KEY.pem is the platform's key in PEM form (compare it with data/signing-key.pem).
Every line of sha256sum must say OK and openssl must print "Signature Verified
Successfully". This checks every file and the signature; the inclusion proofs of the
audit events are checked by the verifier above.
"""


def package_guide(*, bag: str, key_name: str, public_key: Ed25519PublicKey) -> list[tuple[str, bytes, str, str]]:
    """The files to add to the bag's payload: (path, content, category, media type)."""
    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    note = verifier_key_string(key_name, public_key)
    readme = README_TEXT.format(bag=bag, verifier=FILE_NAME, verifier_key=note)
    return [
        (README, readme.encode(), "how to verify this package", "text/plain"),
        (VERIFIER, verifier_source().encode(), "offline verifier (Python, needs cryptography)", "text/x-python"),
        (KEY_PEM, pem, "platform signing key (public)", "application/x-pem-file"),
        (KEY_NOTE, (note + "\n").encode(), "platform signing key (verifier key form)", "text/plain"),
    ]
