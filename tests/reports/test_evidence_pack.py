"""The victim's evidence pack: a PDF in their language, from the tracking link only."""

import html
import io

import pytest
from pypdf import PdfReader

from audit.models import AuditEvent
from complaints.services import UploadedEvidence
from reports.evidence_pack import content_digest, pack_content
from tests.conftest import make_png
from tests.reports.conftest import decide, submit


def _text(pdf: bytes) -> str:
    # pypdf prefixes each character of fpdf2's CID-keyed CFF font with a NUL byte when
    # extracting; the ToUnicode map itself is right, so the NULs are dropped here.
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\x00", "")


def test_tracking_page_links_the_pack(client, db):
    submission = submit()
    page = client.get(f"/track/{submission.token}/").content.decode()
    assert f"/track/{submission.token}/evidence-pack.pdf" in page


def test_english_pack_holds_report_items_hashes_decisions_timeline_and_verification(client, db, senior):
    submission = submit(files=[UploadedEvidence("shot.png", make_png())])
    decide(submission.complaint, senior, "remove")
    response = client.get(f"/track/{submission.token}/evidence-pack.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    text = _text(response.content)
    evidence = submission.complaint.evidence.get()
    compact = text.replace("\n", "")
    assert submission.complaint.reference in text
    assert "https://social.example/p/1" in compact
    assert evidence.sha256 in compact
    assert "shot.png" in text
    assert "Content removed" in text and "Publishing a home address without consent is unlawful." in compact
    assert "Report received" in text
    assert "How to verify this document" in text and "shasum -a 256" in compact
    assert response["X-Content-SHA256"] in compact


def test_chinese_pack_is_written_in_chinese(client, db):
    submission = submit(language="zh-hans", disclosed=["whereabouts"])
    text = _text(client.get(f"/track/{submission.token}/evidence-pack.pdf").content)
    assert "证据材料包" in text and "如何核验本文件" in text and "收到举报" in text
    assert "Evidence pack" not in text


def test_each_download_is_an_audit_event_with_the_printed_digest_and_shows_on_the_timeline(client, db):
    submission = submit()
    response = client.get(f"/track/{submission.token}/evidence-pack.pdf")
    event = AuditEvent.objects.get(code="evidence_pack.downloaded", target_id=str(submission.complaint.pk))
    assert event.actor == "complainant" and event.details["content_sha256"] == response["X-Content-SHA256"]
    assert "chen@example.com" not in str(event.details)
    page = client.get(f"/track/{submission.token}/").content.decode()
    assert "Evidence pack downloaded" in page


def test_digest_is_over_the_content_and_changes_when_the_case_does(db, senior):
    submission = submit()
    before = content_digest(pack_content(submission.complaint))
    assert before == content_digest(pack_content(submission.complaint))
    decide(submission.complaint, senior, "remove")
    assert content_digest(pack_content(submission.complaint)) != before


def test_unknown_token_is_404_and_writes_nothing(client, db):
    response = client.get("/track/not-a-real-token/evidence-pack.pdf")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(code="evidence_pack.downloaded").exists()


def test_a_repeated_download_of_an_unchanged_case_is_the_same_document_and_still_recorded(client, db, senior):
    submission = submit()
    url = f"/track/{submission.token}/evidence-pack.pdf"
    first, second = client.get(url), client.get(url)
    assert first.content == second.content
    assert AuditEvent.objects.filter(code="evidence_pack.downloaded").count() == 2
    decide(submission.complaint, senior, "remove")
    third = client.get(url)
    assert third["X-Content-SHA256"] != first["X-Content-SHA256"]
    assert "Content removed" in _text(third.content)


def test_without_a_font_the_pack_is_a_printable_page(client, db, monkeypatch):
    import reports.evidence_pack as pack

    monkeypatch.setattr(pack, "cjk_font_path", lambda: None)
    submission = submit(language="zh-hans")
    response = client.get(f"/track/{submission.token}/evidence-pack.pdf")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert submission.complaint.reference in html and "https://social.example/p/1" in html
    event = AuditEvent.objects.get(code="evidence_pack.downloaded")
    assert event.details["format"] == "html" and event.details["content_sha256"] in html


def test_chinese_pack_has_no_raw_codes_and_words_from_the_victims_language(client, db, senior):
    """Kinds of information, harms, events and redress in Chinese, whatever the request's language."""
    from django.utils import translation

    from complaints.vocabulary import disclosed_label, harm_label
    from moderation.redress import DEFAULT_REDRESS

    submission = submit(language="zh-hans", disclosed=("home_address", "phone"), harms=("self_harm_risk", "threats"))
    decide(submission.complaint, senior, "remove", redress=DEFAULT_REDRESS)
    response = client.get(f"/track/{submission.token}/evidence-pack.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = _text(response.content)
    compact = text.replace("\n", "").replace(" ", "")
    for code in ("self_harm_risk", "home_address", "complaint.submitted", "decision.made", "in_force", "threats"):
        assert code not in text, code
    with translation.override("zh-hans"):
        expected = [disclosed_label("home_address"), disclosed_label("phone"), harm_label("self_harm_risk"),
                    harm_label("threats"), translation.gettext(DEFAULT_REDRESS), "收到举报", "处理决定"]
    for words in expected:
        assert words.replace(" ", "") in compact, words
    assert "Report received" not in text and "Information disclosed" not in text


def test_english_pack_breaks_lines_between_words_only():
    from reports.evidence_pack import _Writer

    long_words = "Publishing a home address without consent is unlawful and " * 8
    content = {"reference": "TD-2026-000001"}
    writer = _Writer(content, zh=False, tz_name="UTC", digest="0" * 64)
    writer.para(long_words)
    lines = [line.strip() for line in _text(bytes(writer.pdf.output())).splitlines() if line.strip()]
    words = set(long_words.split())
    body = [line for line in lines if not line.startswith("TD-")]
    assert len(body) > 1  # it did wrap
    for line in body:
        assert set(line.split()) <= words, line


def _printable(client, submission, accept_language: str) -> str:
    response = client.get(f"/track/{submission.token}/evidence-pack.pdf", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    return page[page.index('<article class="evidence-pack-print"'):page.index("</article>")]


@pytest.mark.parametrize(("language", "other"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_the_printable_page_has_no_raw_codes_and_the_victims_words(client, db, senior, monkeypatch, language, other):
    """Without a font the page says what the PDF says: every event, kind of information, harm,
    measure and state in the victim's language, whatever the request's language is."""
    import re

    from django.utils import translation

    import reports.evidence_pack as pack
    from complaints.vocabulary import disclosed_label, harm_label
    from moderation.redress import DEFAULT_REDRESS

    monkeypatch.setattr(pack, "cjk_font_path", lambda: None)
    submission = submit(language=language, disclosed=("home_address", "phone"), harms=("self_harm_risk", "threats"),
                        files=[UploadedEvidence("shot.png", make_png())])
    decide(submission.complaint, senior, "restrict_visibility", redress=DEFAULT_REDRESS)
    article = _printable(client, submission, other)
    content = pack.pack_content(submission.complaint)
    codes = {*content["disclosed_info"], *content["harms"], content["status"],
             *(e["code"] for e in content["timeline"]), "evidence_pack.downloaded",
             *(d["measure"] for d in content["decisions"]), *(d["state"] for d in content["decisions"])}
    assert {"complaint.submitted", "decision.made", "restrict_visibility", "in_force", "home_address"} <= codes
    words = html.unescape(re.sub(r"<[^>]+>", " ", article))
    for code in codes:
        if re.search(r"[._]", code):  # "received" is also an English word
            assert code not in article, code
    # Nor anything else shaped like a code: words joined by dots or underscores (links and
    # file names aside).
    prose = re.sub(r"https?://\S+", "", words).replace("shot.png", "")
    assert not re.findall(r"\b[a-z]+(?:[._][a-z]+)+\b", prose), prose
    with translation.override(language):
        expected = [disclosed_label("home_address"), disclosed_label("phone"), harm_label("self_harm_risk"),
                    harm_label("threats"), translation.gettext(DEFAULT_REDRESS)]
    zh = language.startswith("zh")
    expected += (["证据材料包", "收到举报", "限制可见范围", "有效", "请打印本页"] if zh else
                 ["Evidence pack", "Report received", "Visibility restricted", "In force", "Print this page",
                  "Status: Decided"])
    for phrase in expected:
        assert phrase in words, phrase
    assert ("Report received" in words) is not zh and ("收到举报" in words) is zh
    assert f'lang="{"zh-Hans" if zh else "en"}"' in article
    assert submission.complaint.evidence.get().sha256 in words and "https://social.example/p/1" in words
