"""Field-level encryption of personal data at rest, and blind indexes for equality lookups.

Complainants' names, contacts and identity numbers are the very thing a doxxer wants.
They are encrypted in the application before they reach the database, so a database
dump, a backup, a replica or a curious database administrator sees only ciphertext.

Stored form of a non-empty value::

    v1$<key id>$<base64url(nonce || AES-256-GCM ciphertext+tag)>

* Keys come from ``settings.FIELD_ENCRYPTION_KEYS``: a list of base64-encoded 32-byte
  keys, newest first. New values are always written with the newest key; any listed
  key still decrypts, so a key is retired only after ``rotate_field_keys`` has
  re-encrypted every row.
* The key id is derived from the key itself (not from its place in the list), so
  re-ordering the list never makes a ciphertext ambiguous.
* The column (``app_label.Model.field``) is authenticated as associated data: a
  ciphertext copied from one column into another does not decrypt.
* The empty string stays the empty string: "no phone given" is not a secret and the
  validity rules query it.

Ciphertexts cannot be compared, so code that needs equality (related cases by
victim name, misuse by submitter contact) uses a blind index: an HMAC-SHA256 of the
normalised value under a key derived separately for each purpose. Lookups try the
digest under every configured key (``blind_indexes``), so they keep working while a
rotation is under way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import lookups

PREFIX = "v1"
NONCE_BYTES = 12
KEY_ID_CHARS = 8


class FieldDecryptionError(Exception):
    """A stored value cannot be decrypted: unknown key id, wrong key, or tampered bytes.

    This is a server fault (a key was removed too early, or the row was altered), never
    bad user input, so it is not a DomainError: it must surface as an alarm.
    """


@dataclass(frozen=True)
class _Key:
    key_id: str
    raw: bytes
    aead: AESGCM


def _decode_key(text: str, position: int) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS[{position}] is not valid base64"
        ) from None
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS[{position}] must decode to 32 bytes, not {len(raw)}"
        )
    return raw


def key_id_of(raw: bytes) -> str:
    return hashlib.sha256(b"takedown-field-key-id:" + raw).hexdigest()[:KEY_ID_CHARS]


@lru_cache(maxsize=8)
def _keyring(configured: tuple[str, ...]) -> tuple[_Key, ...]:
    if not configured:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored")
    ring = []
    seen = set()
    for position, text in enumerate(configured):
        raw = _decode_key(text, position)
        kid = key_id_of(raw)
        if kid in seen:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS[{position}] is listed twice")
        seen.add(kid)
        ring.append(_Key(kid, raw, AESGCM(raw)))
    return tuple(ring)


def keyring() -> tuple[_Key, ...]:
    """The configured keys, newest first (parsed once per distinct setting value)."""
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def newest_key_id() -> str:
    return keyring()[0].key_id


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` with the newest key, bound to ``context`` (the column)."""
    if plaintext == "":
        return ""
    key = keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{PREFIX}${key.key_id}${body}"


def is_ciphertext(stored: str) -> bool:
    return stored.startswith(PREFIX + "$")


def stored_key_id(stored: str) -> str | None:
    """The key id a stored value was sealed with, or None for the empty value."""
    if stored == "":
        return None
    parts = stored.split("$", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise FieldDecryptionError("stored value is not in the encrypted format")
    return parts[1]


def decrypt(stored: str, *, context: str) -> str:
    """The plaintext of a stored value. Raises FieldDecryptionError on any doubt."""
    if stored == "":
        return ""
    key_id = stored_key_id(stored)
    body = stored.split("$", 2)[2]
    key = next((k for k in keyring() if k.key_id == key_id), None)
    if key is None:
        raise FieldDecryptionError(
            f"value in {context} was sealed with key {key_id}, which is not in FIELD_ENCRYPTION_KEYS"
        )
    try:
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError, binascii.Error):
        raise FieldDecryptionError(
            f"value in {context} does not decrypt with key {key_id}: wrong key or altered data"
        ) from None
    return plain.decode("utf-8")


# --- Blind indexes ------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """Names compare equal across width, case and spacing variants (``Li  Hua`` = ``li hua``)."""
    value = unicodedata.normalize("NFKC", value or "")
    return _SPACES.sub(" ", value).strip().casefold()


def normalise_contact(value: str) -> str:
    """An e-mail address lower-cased; a phone number as E.164 digits when it parses."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    if "@" in value:
        return value.casefold()
    try:
        import phonenumbers

        parsed = phonenumbers.parse(value, "CN")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except Exception:  # not a parseable number: compare its digits
        digits = re.sub(r"\D", "", value)
        return digits or value.casefold()


NORMALISERS = {"name": normalise_name, "contact": normalise_contact}


@lru_cache(maxsize=32)
def _index_key(raw: bytes, purpose: str) -> bytes:
    # A separate key per purpose: the same string hashed as a name and as a contact gives
    # unrelated digests, and a digest never reveals anything about the encryption key.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"takedown-blind-index", info=purpose.encode()
    ).derive(raw)


def _digest(raw: bytes, purpose: str, normalised: str) -> str:
    return hmac.new(_index_key(raw, purpose), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def blind_index(value: str, purpose: str) -> str:
    """The digest stored beside a value (newest key); '' for an empty value."""
    normalised = NORMALISERS[purpose](value)
    if not normalised:
        return ""
    return _digest(keyring()[0].raw, purpose, normalised)


def blind_indexes(value: str, purpose: str) -> list[str]:
    """Every digest the value may be stored under (one per configured key), for ``__in``."""
    normalised = NORMALISERS[purpose](value)
    if not normalised:
        return []
    return [_digest(k.raw, purpose, normalised) for k in keyring()]


# --- Model fields -------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """A TextField whose non-empty values are stored encrypted; Python sees plain text.

    Only ``isnull`` and comparison with ``""`` are allowed in queries: any other lookup
    would silently match nothing, so it raises instead. Use a BlindIndexField for equality.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def _context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: Any, expression, connection) -> Any:
        if value is None:
            return value
        return decrypt(value, context=self._context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), context=self._context())

    def get_lookup(self, lookup_name: str):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


class _EmptyOnlyExact(lookups.Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise TypeError(
                f"{self.lhs.target.name} is encrypted: compare its blind index instead of the value"
            )
        return super().get_prep_lookup()


class BlindIndexField(models.CharField):
    """The HMAC digest of another field's value, computed whenever the row is saved.

    Saves that name ``update_fields`` must include this field beside its source.
    """

    def __init__(self, *args, source: str = "", purpose: str = "name", **kwargs):
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key, value in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def source_value(self, instance: models.Model) -> str:
        # "a|b": the first non-empty source (the contact digest prefers e-mail to phone).
        values = (getattr(instance, name) or "" for name in self.source.split("|"))
        return next((v for v in values if v.strip()), "")

    def compute(self, instance: models.Model) -> str:
        return blind_index(self.source_value(instance), self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        digest = self.compute(model_instance)
        setattr(model_instance, self.attname, digest)
        return digest


def digests_for(instance: models.Model, field_name: str) -> list[str]:
    """Every digest a row sharing ``instance``'s value of a BlindIndexField may carry (one
    per configured key), for ``filter(<field>__in=...)``: lookups stay right mid-rotation."""
    field = instance._meta.get_field(field_name)
    return blind_indexes(field.source_value(instance), field.purpose)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def generate_key() -> str:
    """A new key in the form FIELD_ENCRYPTION_KEYS expects."""
    return base64.b64encode(os.urandom(32)).decode()


def models_with_encrypted_fields(candidates: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    return [m for m in candidates if encrypted_fields(m) and not m._meta.proxy]


def seal_columns(connection, table: str, label: str, columns: Sequence[str], *, unseal: bool = False, batch: int = 1000) -> int:
    """Encrypt the clear-text values of ``columns`` in place (``unseal``: decrypt them back).

    For the data migration that turns existing columns into EncryptedTextFields: raw SQL,
    because reading clear text through the new field is (rightly) refused. ``label`` is
    the model's label (``app.Model``), the prefix of every value's context. Values already
    in the wanted form are left alone, so an interrupted run is resumed by running it
    again. Returns the number of rows changed.
    """
    quote = connection.ops.quote_name
    changed, after = 0, 0
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "
                f"WHERE id > %s ORDER BY id LIMIT %s",
                [after, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, *values in rows:
                after = pk
                new = []
                for column, value in zip(columns, values, strict=True):
                    value = value or ""
                    context = f"{label}.{column}"
                    if unseal:
                        new.append(decrypt(value, context=context) if is_ciphertext(value) else value)
                    else:
                        new.append(value if not value or is_ciphertext(value) else encrypt(value, context=context))
                if new != [v or "" for v in values]:
                    cursor.execute(f"UPDATE {quote(table)} SET {assignments} WHERE id = %s", [*new, pk])
                    changed += 1


def seal_model_columns(apps, connection, app_label: str, specs, *, unseal: bool = False) -> None:
    """``seal_columns`` for ``[(model name, (column, ...)), ...]`` of one app, with the
    historical models a migration passes in as ``apps``."""
    for name, columns in specs:
        model = apps.get_model(app_label, name)
        seal_columns(connection, model._meta.db_table, f"{app_label}.{name}", columns, unseal=unseal)


def sealing_operation(app_label: str, specs):
    """A migration operation that seals (and, reversed, unseals) ``specs`` of one app:
    ``[(model name, (column, ...)), ...]``, as ``seal_model_columns``."""
    from django.db.migrations import RunPython

    def seal(apps, schema_editor):
        seal_model_columns(apps, schema_editor.connection, app_label, specs)

    def unseal(apps, schema_editor):
        seal_model_columns(apps, schema_editor.connection, app_label, specs, unseal=True)

    return RunPython(seal, unseal)
