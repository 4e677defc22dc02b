"""The victim's evidence pack: a PDF of the report, the preserved evidence with hashes,
the decisions and the timeline, for a personality-rights injunction or a civil suit.

Written in the complainant's language. Chinese text is set in Noto Sans SC, shipped by
the ``pylopdf-fonts-zh-cn`` package (SIL Open Font License); the font is embedded as a
subset, so the PDF reads the same on any machine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from audit.events import public_labels
from complaints.models import Complaint
from complaints.selectors import TrackingSection, public_timeline
from complaints.vocabulary import DISCLOSED_KINDS, HARMS, disclosed_label, harm_label
from moderation.redress import redress_text
from reports import events

PACK_CACHE_SECONDS = 600

# Font subsetting logs every glyph table at INFO: noise in the service's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# The document's words in both languages. A table rather than the gettext catalogue:
# the pack must come out in the victim's language whatever the request's language is.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Evidence pack", "证据材料包"),
    "subtitle": (
        "Record of a report of unlawfully disclosed personal information",
        "个人信息被非法公开的举报记录",
    ),
    "purpose": (
        "This document records your report, the evidence preserved with it and what the platform "
        "decided. You may attach it to an application for an order to stop an infringement of "
        "personality rights (Civil Code Art. 997) or to a civil claim (Civil Code Arts. 1034, 1165, 1195).",
        "本文件记录了您的举报、随举报保存的证据以及平台作出的处理决定。您可以将其附于人格权侵害禁令申请"
        "（《民法典》第九百九十七条）或民事起诉材料（《民法典》第一千零三十四条、第一千一百六十五条、第一千一百九十五条）。",
    ),
    "report": ("1. The report", "一、举报"),
    "reference": ("Reference", "举报编号"),
    "received": ("Received", "收到时间"),
    "status": ("Status", "状态"),
    "priority": ("Priority", "优先级"),
    "response_due": ("Response due", "答复期限"),
    "complainant": ("Filed by", "举报人"),
    "victim": ("On behalf of", "被侵权人"),
    "disclosed": ("Information disclosed", "被公开的信息"),
    "harms": ("Harm reported", "报告的侵害"),
    "explanation": ("Explanation", "说明"),
    "excerpt": ("Quoted text", "引用内容"),
    "locations": ("2. Where it was posted", "二、发布位置"),
    "evidence": ("3. Preserved evidence", "三、保存的证据"),
    "evidence_none": ("No files were attached.", "未上传文件。"),
    "file": ("File", "文件"),
    "captured": ("Received at", "接收时间"),
    "size": ("Size", "大小"),
    "bytes": ("bytes", "字节"),
    "decisions": ("4. Decisions and reasons", "四、处理决定及理由"),
    "decisions_none": ("No decision has been taken yet.", "尚未作出处理决定。"),
    "decided": ("Decided", "决定时间"),
    "measure": ("Measure", "措施"),
    "facts": ("Facts relied on", "所依据的事实"),
    "ground": ("Legal ground", "法律依据"),
    "reasons": ("Reasons", "理由"),
    "redress": ("Redress", "救济途径"),
    "decision_state": ("Current state", "当前状态"),
    "timeline": ("5. Timeline", "五、处理经过"),
    "verify": ("6. How to verify this document", "六、如何核验本文件"),
    "verify_files": (
        "Each evidence file is kept unchanged by the platform. Compute the SHA-256 of your copy "
        "(Windows: certutil -hashfile FILE SHA256; macOS/Linux: shasum -a 256 FILE) and compare it "
        "with the value listed above: equal values prove the file is the one received.",
        "平台对每个证据文件原样保存。请计算您手中文件的 SHA-256 值（Windows：certutil -hashfile 文件名 SHA256；"
        "macOS/Linux：shasum -a 256 文件名），并与上方所列数值比对：数值一致即证明文件与平台收到的文件相同。",
    ),
    "verify_log": (
        "Every step listed in the timeline is an entry in the platform's append-only, tamper-evident "
        "audit log (a Merkle tree with signed checkpoints). A court or an investigator can ask the "
        "platform for a preservation export of this reference, which is verifiable offline.",
        "处理经过中的每一步均记录在平台只可追加、可发现篡改的审计日志中（默克尔树及签名检查点）。"
        "法院或侦查机关可就本举报编号要求平台出具可离线核验的证据保全导出包。",
    ),
    "verify_pack": (
        "Content digest of this document (SHA-256): {digest}. The platform recorded this digest when "
        "the document was produced, so it can confirm the document is genuine and unaltered.",
        "本文件内容摘要（SHA-256）：{digest}。平台在生成本文件时已记录该摘要，可据此确认文件真实、未被改动。",
    ),
    "generated": ("Produced", "生成时间"),
    "step": ("Step recorded", "已记录的处理步骤"),
    "page": ("Page", "第"),
    "print_hint": ("Print this page or save it as PDF from your browser.", "请打印本页，或在浏览器中将其另存为 PDF。"),
}

MEASURE_WORDS = {
    "remove": ("Content removed", "删除内容"),
    "disable": ("Access disabled", "屏蔽访问"),
    "restrict_visibility": ("Visibility restricted", "限制可见范围"),
    "restrict_interaction": ("Comments and reposts restricted", "限制评论和转发"),
    "suspend_account": ("Poster's account suspended", "暂停发布者账号"),
    "no_action": ("No action", "不采取措施"),
    "request_info": ("More information requested", "要求补充信息"),
}
DECISION_STATE_WORDS = {
    "in_force": ("In force", "有效"),
    "lifted": ("Lifted after a counter-notice", "因反通知已解除"),
    "reversed": ("Reversed on appeal", "经申诉已撤销"),
    "expired": ("Ended on its end date", "已到期"),
}
STATUS_WORDS = {
    "incomplete": ("Incomplete: information needed", "材料不完整，需补充"),
    "received": ("Received", "已收到"),
    "in_review": ("Being reviewed", "审核中"),
    "waiting_complainant": ("Waiting for your reply", "等待您的回复"),
    "decided": ("Decided", "已作出决定"),
    "closed": ("Closed", "已结案"),
}
EVENT_WORDS = {
    "complaint.submitted": ("Report received", "收到举报"),
    "complaint.became_valid": ("Report complete: the response clock started", "举报材料齐全，开始计算答复期限"),
    "complaint.evidence_added": ("Evidence added", "补充了证据"),
    "complaint.details_added": ("Details added", "补充了信息"),
    "complaint.message_added": ("Message", "留言"),
    events.EVIDENCE_PACK_DOWNLOADED.code: ("Evidence pack downloaded", "下载了证据材料包"),
}


def _is_zh(language: str) -> bool:
    return language.lower().startswith("zh")


def _w(key: str, zh: bool, table: dict[str, tuple[str, str]] = WORDS) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if zh else pair[0]


def printable_page(pack: Pack, language: str) -> dict[str, Any]:
    """The context of the pack's printable page (no font for a PDF), in ``language``."""
    zh = _is_zh(language)
    return {"content": pack.content, "digest": pack.digest, "lines": pack.lines,
            "language": "zh-Hans" if zh else "en", "print_hint": _w("print_hint", zh)}


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """Noto Sans SC from its PyPI package, or a path set by the operator; None if absent."""
    configured = settings.EVIDENCE_PACK_FONT
    if configured and Path(configured).is_file():
        return Path(configured)
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def _local(moment: datetime | None, tz_name: str) -> str:
    if moment is None:
        return "—"
    try:
        zone = zoneinfo.ZoneInfo(tz_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
        tz_name = "UTC"
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S} ({tz_name or 'UTC'})"


@dataclass(frozen=True)
class Pack:
    pdf: bytes | None  # None when no font is available: show ``content`` as a printable page
    digest: str  # SHA-256 of the canonical JSON of the content, printed in the PDF
    filename: str
    content: dict[str, Any]
    # Without a PDF: the document's lines, for its printable page (``document_lines``).
    lines: tuple[Line, ...] = ()


def pack_content(complaint: Complaint) -> dict[str, Any]:
    """Everything the document states, as data: the digest is taken over this."""
    from reports.referrals import _decisions

    kinds = {k: (str(label)) for k, label, _hint in DISCLOSED_KINDS}
    harms = {k: str(label) for k, label in HARMS}
    return {
        "reference": complaint.reference,
        "received_at": complaint.received_at.isoformat(),
        "status": complaint.status,
        "priority": complaint.priority,
        "response_due_at": complaint.response_due_at.isoformat() if complaint.response_due_at else None,
        "complainant_name": complaint.complainant_name,
        "victim_name": complaint.victim_name,
        "disclosed_info": list(complaint.disclosed_info),
        "disclosed_labels": [kinds.get(k, k) for k in complaint.disclosed_info],
        "harms": list(complaint.harms),
        "harm_labels": [harms.get(h, h) for h in complaint.harms],
        "explanation": complaint.explanation,
        "evidence_excerpt": complaint.evidence_excerpt,
        "items": [{"url": i.url, "note": i.note} for i in complaint.items.all()],
        "evidence": [
            {
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "received_at": e.received_at.isoformat(),
            }
            for e in complaint.evidence.all()
        ],
        "decisions": [
            {
                "measure": d.measure,
                "decided_at": d.decided_at.isoformat(),
                "facts": d.facts,
                "legal_ground": d.legal_ground,
                "explanation": d.explanation,
                "redress": d.redress,
                "state": d.state,
            }
            for d in _decisions(complaint)
        ],
        # The pack's own downloads are left out: a document should not change by being fetched.
        "timeline": [
            {"at": e["at"].isoformat(), "code": e["code"]} for e in public_timeline(complaint) if e["code"] != events.EVIDENCE_PACK_DOWNLOADED.code
        ],
    }


def content_digest(content: dict[str, Any]) -> str:
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class Line:
    """One line of the document: a heading, a paragraph or a gap; ``size`` in points."""

    kind: str  # "heading", "para" or "gap"
    text: str = ""
    size: int = 10


class _Words:
    """The document's words in the victim's language: its vocabulary, dates and lines."""

    def __init__(self, *, zh: bool, tz_name: str) -> None:
        self.zh, self.tz_name = zh, tz_name
        self.lines: list[Line] = []

    def word(self, key: str, table: dict[str, tuple[str, str]] = WORDS) -> str:
        return _w(key, self.zh, table)

    def when(self, iso: str | None) -> str:
        return _local(datetime.fromisoformat(iso), self.tz_name) if iso else "—"

    def heading(self, text: str, size: int = 13) -> None:
        self.lines.append(Line("heading", text, size))

    def para(self, text: str, size: int = 10) -> None:
        self.lines.append(Line("para", text or "—", size))

    def gap(self, size: int = 1) -> None:
        self.lines.append(Line("gap", "", size))

    def field(self, label: str, value: str) -> None:
        self.para(f"{label}: {value or '—'}")

    def listing(self, labels) -> str:
        return ("、" if self.zh else ", ").join(str(label) for label in labels)

    def event(self, code: str) -> str:
        """A step of the timeline in words: the pack's own, else the event's public label."""
        if code in EVENT_WORDS:
            return self.word(code, EVENT_WORDS)
        label = public_labels().get(code)
        return str(label) if label is not None else self.word("step")


class _Writer:
    """The PDF being written: its fonts, wrapping and the three kinds of line."""

    def __init__(self, content: dict[str, Any], *, zh: bool, tz_name: str, digest: str) -> None:
        from fpdf import FPDF
        from fpdf.enums import WrapMode, XPos, YPos

        font = cjk_font_path()
        if font is None:
            raise FontUnavailable
        self.zh, self.tz_name = zh, tz_name
        self._next = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
        # Lines break between words, so a Latin word is never cut; a run with no space (a
        # Chinese sentence, a hash, an address) wider than the line is broken where it must be.
        self._wrap = WrapMode.WORD
        pdf = self.pdf = FPDF(format="A4")
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_margins(18, 18, 18)
        pdf.add_font("noto", "", str(font))
        pdf.set_title(f"{_w('title', zh)} {content['reference']}")
        pdf.set_creator("Takedown desk")
        pdf.set_lang("zh-CN" if zh else "en")
        footer_label = f"{content['reference']} · SHA-256 {digest[:16]}…"

        def footer() -> None:
            pdf.set_y(-12)
            pdf.set_font("noto", size=8)
            pdf.cell(0, 6, f"{footer_label}    {pdf.page_no()}", align="R")

        pdf.footer = footer  # type: ignore[method-assign]
        pdf.add_page()

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("noto", size=size)
        self.pdf.multi_cell(0, size * 0.55, text, wrapmode=self._wrap, **self._next)
        self.pdf.ln(1)

    def para(self, text: str, size: int = 10) -> None:
        self.pdf.set_font("noto", size=size)
        self.pdf.multi_cell(0, size * 0.5, text or "—", wrapmode=self._wrap, **self._next)

    def write(self, lines: list[Line]) -> None:
        for line in lines:
            if line.kind == "heading":
                self.heading(line.text, line.size)
            elif line.kind == "gap":
                self.pdf.ln(line.size)
            else:
                self.para(line.text, line.size)


def _write_report(w: _Words, content: dict[str, Any], now: datetime) -> None:
    w.heading(w.word("title"), 18)
    w.para(w.word("subtitle"), 11)
    w.field(w.word("reference"), content["reference"])
    w.field(w.word("generated"), _local(now, w.tz_name))
    w.gap(2)
    w.para(w.word("purpose"), 9)

    w.heading(w.word("report"))
    w.field(w.word("received"), w.when(content["received_at"]))
    w.field(w.word("status"), w.word(content["status"], STATUS_WORDS))
    w.field(w.word("response_due"), w.when(content["response_due_at"]))
    w.field(w.word("complainant"), content["complainant_name"])
    if content["victim_name"]:
        w.field(w.word("victim"), content["victim_name"])
    w.field(w.word("disclosed"), w.listing(disclosed_label(k) for k in content["disclosed_info"]))
    if content["harms"]:
        w.field(w.word("harms"), w.listing(harm_label(h) for h in content["harms"]))
    w.field(w.word("explanation"), content["explanation"])
    if content["evidence_excerpt"]:
        w.field(w.word("excerpt"), content["evidence_excerpt"])


def _write_locations_and_evidence(w: _Words, content: dict[str, Any]) -> None:
    w.heading(w.word("locations"))
    for number, item in enumerate(content["items"], start=1):
        w.para(f"{number}. {item['url']}" + (f" — {item['note']}" if item["note"] else ""))

    w.heading(w.word("evidence"))
    if not content["evidence"]:
        w.para(w.word("evidence_none"))
    for number, item in enumerate(content["evidence"], start=1):
        w.para(f"{number}. {w.word('file')}: {item['name']} ({item['content_type']}, {item['size']} {w.word('bytes')})")
        w.para(f"   {w.word('captured')}: {w.when(item['received_at'])}")
        w.para(f"   SHA-256: {item['sha256']}")


def _write_decisions(w: _Words, content: dict[str, Any]) -> None:
    w.heading(w.word("decisions"))
    if not content["decisions"]:
        w.para(w.word("decisions_none"))
    for number, decision in enumerate(content["decisions"], start=1):
        w.para(f"{number}. {w.word(decision['measure'], MEASURE_WORDS)}")
        w.field(f"   {w.word('decided')}", w.when(decision["decided_at"]))
        w.field(f"   {w.word('decision_state')}", w.word(decision["state"], DECISION_STATE_WORDS))
        w.field(f"   {w.word('facts')}", decision["facts"])
        w.field(f"   {w.word('ground')}", decision["legal_ground"])
        w.field(f"   {w.word('reasons')}", decision["explanation"])
        w.field(f"   {w.word('redress')}", redress_text(decision["redress"]))


def _write_timeline_and_verification(w: _Words, content: dict[str, Any], digest: str) -> None:
    w.heading(w.word("timeline"))
    for entry in content["timeline"]:
        w.para(f"{w.when(entry['at'])}  {w.event(entry['code'])}")

    w.heading(w.word("verify"))
    w.para(w.word("verify_files"), 9)
    w.gap(1)
    w.para(w.word("verify_log"), 9)
    w.gap(1)
    w.para(w.word("verify_pack").format(digest=digest), 9)


def document_lines(content: dict[str, Any], *, language: str, tz_name: str, digest: str, now: datetime) -> list[Line]:
    """What the pack says, line by line, in ``language``: the PDF and its printable page alike."""
    zh = _is_zh(language)
    # Vocabulary from the catalogue (kinds of information, harms, event names, redress)
    # comes out in the victim's language, whatever the request's language is.
    with translation.override("zh-hans" if zh else "en"):
        words = _Words(zh=zh, tz_name=tz_name)
        _write_report(words, content, now)
        _write_locations_and_evidence(words, content)
        _write_decisions(words, content)
        _write_timeline_and_verification(words, content, digest)
        return words.lines


def render_pdf(content: dict[str, Any], *, language: str, tz_name: str, digest: str, now: datetime) -> bytes:
    """The pack as a PDF, section by section, in ``language``; raises FontUnavailable without a font."""
    writer = _Writer(content, zh=_is_zh(language), tz_name=tz_name, digest=digest)
    writer.write(document_lines(content, language=language, tz_name=tz_name, digest=digest, now=now))
    return bytes(writer.pdf.output())


class FontUnavailable(RuntimeError):
    """No font for the document: the printable HTML version is served instead."""


def evidence_pack_download(*, complaint: Complaint, language: str | None = None) -> Pack:
    """Produce the pack for the complainant and record the download.

    The audit event carries the content digest printed in the document, so the platform
    can later confirm a pack shown to a court is one it produced.
    """
    language = language or complaint.language
    now = timezone.now()
    content = pack_content(complaint)
    digest = content_digest(content)
    # Setting a CJK font takes the better part of a second; a repeated download of an
    # unchanged case is served the document already made (same digest, same words).
    key = f"reports:pack:{complaint.pk}:{language}:{digest}"
    try:
        pdf = cache.get(key)
    except Exception:
        pdf = None
    if pdf is None:
        try:
            pdf = render_pdf(content, language=language, tz_name=complaint.timezone, digest=digest, now=now)
        except FontUnavailable:
            pdf = b""
        try:
            cache.set(key, pdf, PACK_CACHE_SECONDS)
        except Exception:
            pass
    with transaction.atomic():
        events.evidence_pack_downloaded(complaint=complaint, language=language, digest=digest, pdf=pdf)
    lines = () if pdf else tuple(document_lines(content, language=language, tz_name=complaint.timezone,
                                                digest=digest, now=now))
    return Pack(pdf=pdf or None, digest=digest, filename=f"evidence-pack-{complaint.reference}.pdf", content=content,
                lines=lines)


def tracking_section(complaint: Complaint, token: str) -> TrackingSection:
    """The download link on ``/track/<token>/`` (and in the tracking API)."""
    return TrackingSection(
        key="evidence_pack",
        template="reports/_evidence_pack_panel.html",
        data={"download_url": f"/track/{token}/evidence-pack.pdf"},
    )
