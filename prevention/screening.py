"""Pre-publication screening: what the host platform asks before it publishes a text.

The hot path: one detector pass over the text, the policy from a per-process cache,
the protected names' automaton shared by every request of the process and rebuilt only
when the set of protections changes (``prevention.protection.protected_set``), and at
most one indexed query (the staydown lookup: the keyed hashes of the values found, looked
up in the fingerprints' index, only when the text holds such values). Each finding names
the detector rule that fired; the warning explains in the poster's language what was
found and why, never repeating the value. Verdicts other
than "allow" are written to the audit log; allowed texts leave no record, so the log
does not grow with every post on the platform and keeps no trace of ordinary speech.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from prevention import events, policy
from prevention.detectors import scan
from prevention.models import CONTEXTS, VERDICT_RANK
from prevention.protection import protected_set
from prevention.staydown import FINGERPRINT_KINDS, staydown_matches
from takedown.exceptions import InvalidInput, PayloadTooLarge

MAX_TEXT_CHARS = 10_000
MAX_AUTHOR_CHARS = 128
LANGUAGES = ("en", "zh-hans")
_LANGUAGE_ALIASES = {"en": "en", "zh-hans": "zh-hans", "zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans"}
_STAYDOWN_KINDS = frozenset(FINGERPRINT_KINDS)


@dataclass(frozen=True)
class ScreenRequest:
    text: str
    context: str
    language: str = "en"
    author: str = ""


@dataclass
class ScreenResult:
    verdict: str
    findings: list[dict[str, Any]]
    warning: str | None
    protection: list[dict[str, Any]] = field(default_factory=list)
    staydown_cases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "findings": self.findings,
            "warning": self.warning,
            "protection": self.protection,
        }


def parse_screen_request(data: Any) -> ScreenRequest:
    """Check the shape of a screening request by hand: this runs on every post."""
    if not isinstance(data, dict):
        raise InvalidInput(_("The body must be a JSON object."))
    text = data.get("text")
    context = data.get("context")
    # Absent: the defaults; anything else must be a string (checked below).
    language = data.get("language", "en")
    author = data.get("author", "")
    errors: dict[str, list[str]] = {}
    if not isinstance(text, str):
        errors["text"] = ["Required: the text to be published, as a string."]
    elif len(text) > MAX_TEXT_CHARS:
        raise PayloadTooLarge(
            _("The text is longer than %(n)s characters.") % {"n": MAX_TEXT_CHARS},
            fields={"text": [_("At most %(n)s characters.") % {"n": MAX_TEXT_CHARS}]},
        )
    if context not in CONTEXTS:
        errors["context"] = [f"One of: {', '.join(CONTEXTS)}."]
    language = _LANGUAGE_ALIASES.get(language.lower()) if isinstance(language, str) else None
    if language is None:
        errors["language"] = [f"One of: {', '.join(LANGUAGES)}."]
    if not isinstance(author, str) or len(author) > MAX_AUTHOR_CHARS:
        errors["author"] = [f"A string of at most {MAX_AUTHOR_CHARS} characters."]
    if errors:
        raise InvalidInput(_("The request has invalid fields."), fields=errors)
    return ScreenRequest(text=text, context=context, language=language, author=author)


def screen(request: ScreenRequest, *, actor: str, platform_id: int | None = None) -> ScreenResult:
    """Screen one text. ``actor``: the host platform's audit actor; ``platform_id``: the
    platform of the group asking (its staydown is its own cases' and, if it shares staydown,
    those of the other platforms sharing it; see ``staydown.staydown_matches``)."""
    protected = protected_set()
    found = scan(request.text, protected_names=protected.index)
    context = request.context

    lookups = [(f.type, f.normalized) for f in found if f.type in _STAYDOWN_KINDS]
    under_staydown = staydown_matches(lookups, platform_id=platform_id) if lookups else {}

    verdicts: list[str] = []
    findings: list[dict[str, Any]] = []
    matched_protection: dict[int, Any] = {}
    has_other_info = False
    staydown_cases: list[str] = []
    kinds_seen: list[str] = []
    reasons: list[tuple[str, str, bool]] = []
    for f in found:
        verdict = policy.verdict_for(context, f.type, f.confidence, platform_id)
        staydown = None
        reference = under_staydown.get((f.type, f.normalized))
        if reference is not None:
            staydown = {"case": reference}
            verdict = policy.strictest([verdict, policy.verdict_for(context, "staydown", platform_id=platform_id)])
            if reference not in staydown_cases:
                staydown_cases.append(reference)
        if f.type == "protected_name":
            for p in protected.by_normalized.get(f.normalized, ()):
                matched_protection[p.intervention_id] = p
        else:
            has_other_info = True
        if f.type not in kinds_seen:
            kinds_seen.append(f.type)
        if verdict != "allow" and (f.type, f.rule, f.obfuscated) not in reasons:
            reasons.append((f.type, f.rule, f.obfuscated))
        verdicts.append(verdict)
        findings.append(
            {
                "type": f.type,
                "start": f.start,
                "end": f.end,
                "confidence": f.confidence,
                "verdict": verdict,
                "staydown": staydown,
                "rule": f.rule,
                "obfuscated": f.obfuscated,
                "explanation": finding_explanation(request.language, f.type, f.rule, f.obfuscated),
            }
        )
    if matched_protection and has_other_info:
        verdicts.append(policy.verdict_for(context, "protected_name_with_info", platform_id=platform_id))
    verdict = policy.strictest(verdicts)
    protection = [
        {
            "kind": "victim_protection",
            "intervention": p.intervention_id,
            "restrictions": list(p.restrictions),
            "until": p.expires_at.isoformat(),
        }
        for p in matched_protection.values()
    ]
    warning = None
    if verdict != "allow":
        warning = warning_text(
            verdict,
            request.language,
            context,
            kinds_seen,
            staydown_cases,
            bool(matched_protection),
            reasons,
        )
    result = ScreenResult(verdict, findings, warning, protection, staydown_cases)
    if VERDICT_RANK[verdict] > VERDICT_RANK["allow"]:
        _record(request, result, actor)
    return result


def _author_digest(author: str) -> str:
    # The poster's account key is kept only as a keyed hash: enough to see repeated
    # attempts by one account, not a list of who wrote what.
    if not author:
        return ""
    return hmac.new(settings.FINGERPRINT_KEY.encode(), b"author:" + author.encode(), hashlib.sha256).hexdigest()[:32]


def _record(request: ScreenRequest, result: ScreenResult, actor: str) -> None:
    details = {
        "context": request.context,
        "verdict": result.verdict,
        "kinds": sorted({f["type"] for f in result.findings}),
        "staydown_cases": result.staydown_cases,
        "protections": [p["intervention"] for p in result.protection],
        "author": _author_digest(request.author),
        "length": len(request.text),
    }
    target: tuple[str, str] = ("screening", details["author"] or "-")
    if result.staydown_cases:
        target = ("staydown", result.staydown_cases[0])
    events.screening_flagged(actor=actor, target=target, details=details)


# ---------------------------------------------------------------------------
# The pop-up texts. Kept here rather than in the message catalogue because they are
# API content sent to another system in the language it asks for, not page text.

_KIND_LABELS = {
    "en": {
        "id_number": "an ID number",
        "phone": "a phone number",
        "bank_card": "a bank card number",
        "email": "an e-mail address",
        "licence_plate": "a licence plate",
        "address": "an address",
        "protected_name": "the name of a person under protection",
    },
    "zh-hans": {
        "id_number": "身份证号",
        "phone": "电话号码",
        "bank_card": "银行卡号",
        "email": "电子邮箱",
        "licence_plate": "车牌号",
        "address": "住址",
        "protected_name": "受保护人员的姓名",
    },
}

_TEXTS = {
    "en": {
        "staydown": (
            "This repeats personal information that was removed after a complaint "
            "(case {cases}). It cannot be published."
        ),
        "block": (
            "This contains someone's personal information ({kinds}). Publishing another "
            "person's private details without their consent is not allowed and may be "
            "unlawful. Remove them to publish."
        ),
        "limit": (
            "This contains personal information ({kinds}). If you publish it, its reach will "
            "be limited: it will not be recommended, shown in search or reposted."
        ),
        "limit_search": (
            "To protect people's privacy, results for searches containing personal "
            "information ({kinds}) are limited."
        ),
        "warn": (
            "This seems to contain personal information ({kinds}). Sharing other people's "
            "private details can expose them to harassment and may be unlawful. "
            "Do you still want to publish it?"
        ),
        "protected": (
            "You mention a person who has asked for protection from harassment. Please be "
            "respectful: posts revealing their personal information will be removed."
        ),
    },
    "zh-hans": {
        "staydown": "该内容包含已因投诉被删除的个人信息（案件编号 {cases}），无法发布。",
        "block": (
            "该内容包含他人的个人信息（{kinds}）。未经本人同意公开他人的隐私信息是不允许的，"
            "并可能违法。请删除相关信息后再发布。"
        ),
        "limit": "该内容包含个人信息（{kinds}）。发布后将限制传播：不会被推荐、不会出现在搜索结果中，也无法被转发。",
        "limit_search": "为保护他人隐私，包含个人信息（{kinds}）的搜索结果已受限。",
        "warn": (
            "该内容似乎包含个人信息（{kinds}）。公开他人的隐私信息可能使其遭受骚扰，并可能违法。"
            "确定仍要发布吗？"
        ),
        "protected": "您提到的人已申请保护，以免遭受网络骚扰。请文明发言：泄露其个人信息的内容将被删除。",
    },
}


# Why each detector rule fired, for the poster: what was recognised, never the value.
_RULE_REASONS = {
    "en": {
        "id_number.gb11643": "18 characters with a real region code, birth date and a valid check character",
        "phone.cn_mobile": "11 digits in a mainland mobile number range",
        "phone.cn_landline": "an area code and a landline number",
        "phone.nanp": "a North American phone number",
        "phone.international": "a country code and a phone number valid in that country",
        "bank_card.luhn": "a card network's number range with a valid check digit",
        "email.address": "an e-mail address",
        "email.obfuscated": "an e-mail address with its @ or dots written another way",
        "licence_plate.ga36": "a mainland licence plate",
        "address.cn_house_number": "a street or village with a house number",
        "address.cn_building": "a street or estate with a building, block or unit",
        "address.en_street": "a house number on a named street",
        "address.en_po_box": "a post-office box",
        "address.en_military": "a military postal address",
        "protected_name.match": "the name of a person under protection",
    },
    "zh-hans": {
        "id_number.gb11643": "18位，地区码、出生日期和校验位均有效",
        "phone.cn_mobile": "11位，属于大陆手机号段",
        "phone.cn_landline": "区号加固定电话号码",
        "phone.nanp": "北美电话号码",
        "phone.international": "国家代码加该国有效的电话号码",
        "bank_card.luhn": "属于银行卡组织的号段，且校验位有效",
        "email.address": "电子邮箱地址",
        "email.obfuscated": "用其他写法代替了@或点的电子邮箱地址",
        "licence_plate.ga36": "大陆机动车号牌",
        "address.cn_house_number": "街道或村庄加门牌号",
        "address.cn_building": "街道或小区加楼栋、座或单元",
        "address.en_street": "街道名称加门牌号",
        "address.en_po_box": "邮政信箱",
        "address.en_military": "军邮地址",
        "protected_name.match": "受保护人员的姓名",
    },
}
_DISGUISED = {
    "en": "written in a disguised form (look-alike characters, symbols, spaces or words)",
    "zh-hans": "使用了变形写法（形近字符、符号、空格或文字）",
}
_WHY = {"en": "Recognised: {items}.", "zh-hans": "识别依据：{items}。"}


def finding_explanation(language: str, kind: str, rule: str, obfuscated: bool) -> str:
    """One finding explained to the poster: which kind, the rule that recognised it."""
    labels = _KIND_LABELS.get(language, _KIND_LABELS["en"])
    reasons = _RULE_REASONS.get(language, _RULE_REASONS["en"])
    reason = reasons.get(rule, "")
    if obfuscated:
        reason = f"{reason}, {_DISGUISED['en']}" if language == "en" else f"{reason}，{_DISGUISED['zh-hans']}"
    if not reason:
        return labels[kind]
    return f"{labels[kind]} ({reason})" if language == "en" else f"{labels[kind]}（{reason}）"


def _join(language: str, labels: list[str]) -> str:
    if language == "zh-hans":
        return "、".join(labels)
    if len(labels) <= 2:
        return " and ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def warning_text(
    verdict: str,
    language: str,
    context: str,
    kinds: list[str],
    staydown_cases: list[str],
    protected: bool,
    reasons: list[tuple[str, str, bool]] | None = None,
) -> str:
    """The pop-up text the host platform shows before the text is published.

    ``reasons``: (kind, rule, obfuscated) of the findings that set the verdict; the text
    then says what was recognised and by which rule, without repeating any value.
    """
    texts = _TEXTS.get(language, _TEXTS["en"])
    labels = _KIND_LABELS.get(language, _KIND_LABELS["en"])
    info_kinds = [k for k in kinds if k != "protected_name"]
    kinds_text = _join(language, [labels[k] for k in info_kinds])
    if staydown_cases and verdict == "block":
        sep = "、" if language == "zh-hans" else ", "
        return texts["staydown"].format(cases=sep.join(staydown_cases))
    if not info_kinds:
        return texts["protected"]
    key = verdict
    if verdict == "limit" and context == "search":
        key = "limit_search"
    message = texts[key].format(kinds=kinds_text)
    explained = [
        finding_explanation(language, kind, rule, obfuscated)
        for kind, rule, obfuscated in reasons or ()
        if kind != "protected_name"
    ]
    if explained:
        sep = "; " if language == "en" else "；"
        why = _WHY.get(language, _WHY["en"]).format(items=sep.join(explained))
        message = message + (" " if language == "en" else "") + why
    if protected:
        message = message + (" " if language == "en" else "") + texts["protected"]
    return message
