"""Personal data is encrypted at rest; blind indexes allow equality lookups; keys rotate."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from complaints.models import Complaint
from takedown import crypto
from tests.security.conftest import PERSON, file_complaint

pytestmark = pytest.mark.django_db

COLUMNS = ("complainant_name", "complainant_email", "complainant_phone", "complainant_id_number", "victim_name")


def raw_row(pk: int) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)}, victim_name_digest, complainant_contact_digest "
            "FROM complaints_complaint WHERE id = %s",
            [pk],
        )
        values = cursor.fetchone()
    return dict(zip((*COLUMNS, "victim_name_digest", "complainant_contact_digest"), values, strict=True))


def set_raw(pk: int, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE complaints_complaint SET {column} = %s WHERE id = %s", [value, pk])


def fragments(person: dict[str, str]) -> list[str]:
    """Clear-text pieces that must not appear anywhere in the stored row."""
    return ["Qiao", "Xuemei", "Xiaolan", "qiao.xuemei", "example.org", "8765", "4321", "19491231", person["id_number"]]


def test_database_row_holds_no_clear_text_of_personal_fields(person):
    complaint = file_complaint().complaint
    row = raw_row(complaint.pk)
    stored = " ".join(str(v) for v in row.values())
    for piece in fragments(person):
        assert piece.lower() not in stored.lower()
    for column in COLUMNS:
        assert row[column].startswith(f"v1${crypto.newest_key_id()}$")
    # Two equal plaintexts never give equal ciphertexts (random nonce).
    other = file_complaint().complaint
    assert raw_row(other.pk)["complainant_email"] != row["complainant_email"]


def test_values_read_back_unchanged_for_every_caller(person):
    complaint = file_complaint().complaint
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.complainant_name == person["name"]
    assert fresh.complainant_email == person["email"]
    assert fresh.complainant_phone == person["phone"]
    assert fresh.complainant_id_number == person["id_number"]
    assert fresh.victim_name == person["victim"]
    assert Complaint.objects.values_list("complainant_email", flat=True).get(pk=complaint.pk) == person["email"]


def test_unicode_names_round_trip():
    complaint = file_complaint(complainant_name="乔雪梅", victim_name="乔小兰").complaint
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert (fresh.complainant_name, fresh.victim_name) == ("乔雪梅", "乔小兰")
    assert "乔" not in raw_row(complaint.pk)["complainant_name"]


def test_empty_values_stay_empty_and_can_be_queried():
    complaint = file_complaint(complainant_phone="", complainant_id_number="").complaint
    row = raw_row(complaint.pk)
    assert row["complainant_phone"] == "" and row["complainant_id_number"] == ""
    assert Complaint.objects.filter(pk=complaint.pk, complainant_phone="").exists()
    assert not Complaint.objects.filter(pk=complaint.pk).exclude(complainant_email="").count() == 0


def test_equality_on_ciphertext_raises_instead_of_silently_matching_nothing():
    file_complaint()
    with pytest.raises(TypeError, match="blind index"):
        list(Complaint.objects.filter(complainant_email=PERSON["email"]))
    with pytest.raises(FieldError):
        list(Complaint.objects.filter(complainant_name__icontains="Qiao"))


def test_ciphertext_moved_to_another_column_does_not_decrypt():
    complaint = file_complaint().complaint
    row = raw_row(complaint.pk)
    set_raw(complaint.pk, "complainant_name", row["complainant_email"])
    with pytest.raises(crypto.FieldDecryptionError, match="complainant_name"):
        Complaint.objects.get(pk=complaint.pk)


def test_altered_ciphertext_fails_loudly():
    complaint = file_complaint().complaint
    stored = raw_row(complaint.pk)["complainant_email"]
    flipped = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    set_raw(complaint.pk, "complainant_email", flipped)
    with pytest.raises(crypto.FieldDecryptionError, match="wrong key or altered"):
        Complaint.objects.get(pk=complaint.pk)


def test_clear_text_planted_in_the_column_is_refused():
    complaint = file_complaint().complaint
    set_raw(complaint.pk, "complainant_email", "planted@example.org")
    with pytest.raises(crypto.FieldDecryptionError, match="not in the encrypted format"):
        Complaint.objects.get(pk=complaint.pk)


def test_reading_with_the_wrong_key_fails_loudly(settings):
    complaint = file_complaint().complaint
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key()]
    with pytest.raises(crypto.FieldDecryptionError, match="not in FIELD_ENCRYPTION_KEYS"):
        Complaint.objects.get(pk=complaint.pk)


@pytest.mark.parametrize(
    ("keys", "message"),
    [([], "empty"), (["not base64!"], "base64"), (["c2hvcnQ="], "32 bytes")],
)
def test_bad_key_configuration_is_refused(settings, keys, message):
    settings.FIELD_ENCRYPTION_KEYS = keys
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.encrypt("x", context="t")


def test_same_key_listed_twice_is_refused(settings):
    key = crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [key, key]
    with pytest.raises(ImproperlyConfigured, match="twice"):
        crypto.keyring()


def test_rotation_reencrypts_every_row_with_the_newest_key_and_keeps_values(settings, capsys):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    complaints = [file_complaint().complaint for _ in range(5)]
    anonymous = file_complaint(complainant_name="", complainant_email="", complainant_phone="",
                               complainant_id_number="", victim_name="").complaint
    old_digest = raw_row(complaints[0].pk)["victim_name_digest"]

    new_key = crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    new_id = crypto.newest_key_id()
    with pytest.raises(SystemExit) as exit_info:
        call_command("rotate_field_keys", "--check")
    assert exit_info.value.code == 1
    # Six complaints (the anonymous one has its free text) and their six items.
    assert "12 rows not on key" in capsys.readouterr().out

    call_command("rotate_field_keys", "--batch", "2")
    out = capsys.readouterr().out
    assert f"12 rows re-encrypted with key {new_id}" in out
    for complaint in complaints:
        row = raw_row(complaint.pk)
        assert all(row[c].startswith(f"v1${new_id}$") for c in COLUMNS)
        assert row["victim_name_digest"] != old_digest
    assert raw_row(anonymous.pk)["complainant_name"] == ""

    # Rows already on the newest key are skipped: a second run (or a resumed one) does nothing.
    call_command("rotate_field_keys")
    assert "0 rows re-encrypted" in capsys.readouterr().out
    call_command("rotate_field_keys", "--check")
    assert "0 rows not on key" in capsys.readouterr().out

    # The old key can now be retired: everything still reads and still matches by digest.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    fresh = Complaint.objects.get(pk=complaints[3].pk)
    assert fresh.complainant_id_number == PERSON["id_number"]
    matches = Complaint.objects.filter(victim_name_digest__in=crypto.blind_indexes(PERSON["victim"], "name"))
    assert matches.count() == 5
    event = AuditEvent.objects.filter(code="security.field_keys_rotated").order_by("-pk").first()
    assert event.details == {"key_id": new_id, "rows": 0}


def test_lookups_by_digest_match_during_rotation_before_rows_are_rewritten(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    complaint = file_complaint().complaint
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key(), old_key]
    digests = crypto.blind_indexes("qiao  XIAOLAN", "name")
    assert len(digests) == 2
    assert list(Complaint.objects.filter(victim_name_digest__in=digests)) == [complaint]


def test_blind_indexes_normalise_names_and_contacts():
    assert crypto.blind_index("Qiao  Xiaolan ", "name") == crypto.blind_index("ｑｉａｏ xiaolan", "name")
    assert crypto.blind_index("Q@Example.ORG", "contact") == crypto.blind_index("q@example.org", "contact")
    assert crypto.blind_index("+86 139 8765 4321", "contact") == crypto.blind_index("13987654321", "contact")
    # Purposes use separate keys: the same text gives unrelated digests.
    assert crypto.blind_index("same", "name") != crypto.blind_index("same", "contact")
    assert crypto.blind_index("", "name") == "" and crypto.blind_indexes(" ", "name") == []


def test_digests_are_filled_by_the_model_layer_on_submit_and_on_completion():
    complaint = file_complaint(relationship="self", victim_name="").complaint
    row = raw_row(complaint.pk)
    # Filing for oneself: the victim is the complainant.
    assert row["victim_name_digest"] == crypto.blind_index(PERSON["name"], "name")
    assert row["complainant_contact_digest"] == crypto.blind_index(PERSON["email"], "contact")
    by_phone = file_complaint(complainant_email="").complaint
    assert raw_row(by_phone.pk)["complainant_contact_digest"] == crypto.blind_index(PERSON["phone"], "contact")


def test_data_migration_seals_rows_written_in_clear_text():
    migration = importlib.import_module("complaints.migrations.0003_field_encryption")
    complaint = file_complaint().complaint
    for column, value in zip(COLUMNS, ("Old Name", "old@example.org", "+86 131 0000 1111", "", "Old Victim"), strict=True):
        set_raw(complaint.pk, column, value)
    set_raw(complaint.pk, "victim_name_digest", "")
    migration.encrypt_existing(apps, SimpleNamespace(connection=connection))
    row = raw_row(complaint.pk)
    assert "Old" not in " ".join(row.values())
    assert row["complainant_id_number"] == ""
    assert row["victim_name_digest"] == crypto.blind_index("Old Victim", "name")
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert (fresh.complainant_name, fresh.complainant_email) == ("Old Name", "old@example.org")
    # Running it again (an interrupted migration resumed) leaves sealed rows alone.
    migration.encrypt_existing(apps, SimpleNamespace(connection=connection))
    assert raw_row(complaint.pk) == row
    migration.decrypt_existing(apps, SimpleNamespace(connection=connection))
    assert raw_row(complaint.pk)["complainant_email"] == "old@example.org"


def test_related_cases_by_victim_survive_a_key_rotation_in_progress(settings):
    from moderation.selectors import related_cases

    first = file_complaint().complaint
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key(), settings.FIELD_ENCRYPTION_KEYS[0]]
    # Filed after the new key went first: its digest is under the new key, the first one's not yet.
    second = file_complaint(victim_name="qiao  XIAOLAN").complaint
    assert raw_row(first.pk)["victim_name_digest"] != raw_row(second.pk)["victim_name_digest"]
    related = related_cases(Complaint.objects.get(pk=second.pk))
    assert first.reference in str(related)
    assert crypto.digests_for(second, "victim_name_digest")[1] == raw_row(first.pk)["victim_name_digest"]


def _raw(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchone())


def test_free_text_is_encrypted_at_rest_too():
    from complaints.services import complaint_add_message

    complaint = file_complaint(evidence_excerpt="Lives at 12 Example Road, room Quillwick").complaint
    complaint_add_message(complaint=complaint, body="They came to room Quillwick last night.")
    stored = _raw("SELECT explanation, evidence_excerpt FROM complaints_complaint WHERE id = %s", [complaint.pk])
    stored += _raw("SELECT note FROM complaints_complaintitem WHERE complaint_id = %s", [complaint.pk])
    stored += _raw("SELECT body FROM complaints_message WHERE complaint_id = %s ORDER BY id DESC LIMIT 1", [complaint.pk])
    assert all(value.startswith(f"v1${crypto.newest_key_id()}$") for value in stored)
    assert "Quillwick" not in " ".join(stored) and "school" not in " ".join(stored)
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.evidence_excerpt == "Lives at 12 Example Road, room Quillwick"
    assert fresh.items.get().note == "her school"
    assert fresh.messages.order_by("-id").first().body == "They came to room Quillwick last night."


def test_free_text_migration_seals_clear_text_and_resumes():
    migration = importlib.import_module("complaints.migrations.0004_encrypt_free_text")
    complaint = file_complaint().complaint
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complaints_complaint SET explanation = %s, evidence_excerpt = '' WHERE id = %s",
            ["Written before encryption", complaint.pk],
        )
        cursor.execute("UPDATE complaints_complaintitem SET note = %s WHERE complaint_id = %s", ["old note", complaint.pk])
    migration.seal(apps, SimpleNamespace(connection=connection))
    explanation, excerpt = _raw("SELECT explanation, evidence_excerpt FROM complaints_complaint WHERE id = %s", [complaint.pk])
    assert crypto.is_ciphertext(explanation) and excerpt == ""
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert (fresh.explanation, fresh.items.get().note) == ("Written before encryption", "old note")
    before = _raw("SELECT explanation FROM complaints_complaint WHERE id = %s", [complaint.pk])
    migration.seal(apps, SimpleNamespace(connection=connection))  # an interrupted run resumed: sealed rows kept
    assert _raw("SELECT explanation FROM complaints_complaint WHERE id = %s", [complaint.pk]) == before
    migration.unseal(apps, SimpleNamespace(connection=connection))
    assert _raw("SELECT explanation FROM complaints_complaint WHERE id = %s", [complaint.pk]) == ["Written before encryption"]
