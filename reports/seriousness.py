"""Serious-circumstances assessment: a flag for prioritising and referring, never a legal finding.

Pure arithmetic over counts and facts; no database. The rules are those of the
Interpretation of the Supreme People's Court and the Supreme People's Procuratorate on
Several Issues concerning the Application of Law in Handling Criminal Cases of
Infringing Citizens' Personal Information (法释〔2017〕10号, in force 1 June 2017):

- Art. 3: publishing personal information through an information network is
  "providing" it.
- Art. 5(1)(1)-(2): providing whereabouts information that others use to commit a
  crime, or providing information to someone known to use it for a crime, is serious.
- Art. 5(1)(3): 50 items or more of whereabouts, communication content, credit or
  property information.
- Art. 5(1)(4): 500 items or more of accommodation, communication records, health and
  physiological, transaction information, or other information that may affect personal
  or property safety.
- Art. 5(1)(5): 5,000 items or more of other personal information.
- Art. 5(1)(6): below each threshold, but the classes summed in proportion reach one.
- Art. 5(1)(8): information obtained while performing duties or providing services: half
  of the thresholds.
- Art. 5(1)(10): other serious circumstances (for the authority to judge).
- Art. 5(2)(1): death, serious injury, mental disorder, kidnapping or similar grave
  consequences for the victim: especially serious.
- Art. 5(2)(3): ten times the quantity standards of items (3) to (8): especially serious.
- Art. 11: the same information is not counted twice; providing the same information to
  different recipients is counted cumulatively.

Scale of spread has no number in that interpretation; by analogy this module uses the
figures of the 2013 SPC/SPP Interpretation on online defamation, Art. 2(1): 5,000 views
or 500 shares of the same information.

How the product's disclosed-information kinds map to the interpretation's classes is a
product choice written down in ``TIER_OF_KIND``; the assessment says so wherever shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

NONE = "none"
SERIOUS = "serious"
ESPECIALLY_SERIOUS = "especially_serious"
LEVELS = (NONE, SERIOUS, ESPECIALLY_SERIOUS)

# The three quantity tiers of Art. 5(1)(3)-(5) and their thresholds.
TIER_50 = "tier_50"
TIER_500 = "tier_500"
TIER_5000 = "tier_5000"
THRESHOLDS: dict[str, int] = {TIER_50: 50, TIER_500: 500, TIER_5000: 5000}
TIER_ARTICLE = {TIER_50: "Art. 5(1)(3)", TIER_500: "Art. 5(1)(4)", TIER_5000: "Art. 5(1)(5)"}
ESPECIALLY_SERIOUS_FACTOR = 10  # Art. 5(2)(3)

# The product's disclosed-information kinds (complaints.vocabulary) by tier.
TIER_OF_KIND: dict[str, str] = {
    # Art. 5(1)(3): whereabouts, communication content, credit, property.
    "whereabouts": TIER_50,
    "communication_content": TIER_50,
    "financial_account": TIER_50,
    # Art. 5(1)(4): health and physiological information and "other information that
    # may affect personal or property safety": a home address or a face picture lets a
    # stranger find the person.
    "health": TIER_500,
    "biometric": TIER_500,
    "face_image": TIER_500,
    "home_address": TIER_500,
    # Art. 5(1)(5): everything else.
    "id_number": TIER_5000,
    "phone": TIER_5000,
    "email": TIER_5000,
    "workplace_school": TIER_5000,
    "family_members": TIER_5000,
    "religion": TIER_5000,
    "other": TIER_5000,
}

# PIPL Art. 28 sensitive personal information among the kinds.
SENSITIVE_KINDS = frozenset(
    {"biometric", "face_image", "religion", "health", "financial_account", "whereabouts"}
)
# Harms that mean the disclosure already hurts the victim offline or threatens life.
HARM_KINDS = frozenset({"threats", "offline_harassment", "self_harm_risk", "incitement", "contact_by_strangers"})
THREAT_HARMS = frozenset({"threats", "offline_harassment", "self_harm_risk"})

WIDE_SPREAD_VIEWS = 5000
WIDE_SPREAD_SHARES = 500
WIDE_SPREAD_LOCATIONS = 50  # distinct places it was posted: a product threshold, not the law's

CAC = "cac"
PUBLIC_SECURITY = "public_security"
PROCURATORATE = "procuratorate"

KIND_WORDS: dict[str, tuple[str, str]] = {
    "whereabouts": ("whereabouts information", "行踪轨迹信息"),
    "communication_content": ("communication content", "通信内容"),
    "financial_account": ("property or credit information", "财产、征信信息"),
    "health": ("health information", "健康生理信息"),
    "biometric": ("biometric information", "生物识别信息"),
    "face_image": ("face images", "人脸图像"),
    "home_address": ("home address information", "住址信息"),
    "id_number": ("ID numbers", "身份证件号码"),
    "phone": ("phone numbers", "电话号码"),
    "email": ("e-mail addresses", "电子邮箱"),
    "workplace_school": ("workplace or school information", "工作单位、学校信息"),
    "family_members": ("family members' information", "家庭成员信息"),
    "religion": ("religious belief information", "宗教信仰信息"),
    "other": ("other personal information", "其他个人信息"),
}

DISCLAIMER = (
    "This is an automatic flag for prioritisation and referral, not a legal finding.",
    "本评估为用于排序和移送的自动提示，不构成法律认定。",
)


@dataclass(frozen=True)
class Facts:
    """What is known about a case or an incident.

    ``counts``: items (pieces) of personal information by disclosed kind, already
    deduplicated for the same information and summed across recipients (Art. 11).
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    harms: frozenset[str] = frozenset()
    victim_is_minor: bool = False
    used_for_crime: bool = False
    grave_consequence: bool = False
    obtained_in_duty: bool = False
    locations: int = 0
    shares: int = 0
    views: int = 0


@dataclass(frozen=True)
class Line:
    """One sentence of the explanation, in English and Simplified Chinese."""

    en: str
    zh: str
    article: str = ""


@dataclass(frozen=True)
class Result:
    level: str
    ratio: Fraction  # proportional sum of Art. 5(1)(6); 1 = serious, 10 = especially serious
    tier_counts: dict[str, int]
    lines: tuple[Line, ...]
    flags: tuple[str, ...]
    raise_priority: bool
    referrals: tuple[str, ...]  # authorities a referral is proposed to, in order

    @property
    def percent(self) -> int:
        return int(self.ratio * 100)

    def text(self, language: str) -> list[str]:
        chinese = language.lower().startswith("zh")
        return [line.zh if chinese else line.en for line in self.lines]

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "ratio": float(self.ratio),
            "percent": self.percent,
            "tier_counts": dict(self.tier_counts),
            "flags": list(self.flags),
            "raise_priority": self.raise_priority,
            "referrals": list(self.referrals),
            "lines": [{"en": x.en, "zh": x.zh, "article": x.article} for x in self.lines],
        }


def _percent(value: Fraction) -> str:
    """Whole percent, rounded down, so 49.9 % never reads as 50 %."""
    return f"{int(value * 100)} %"


def counts_from_locations(kinds: Iterable[str], locations: int) -> dict[str, int]:
    """Items per kind when each location (URL) discloses each reported kind once.

    Each location is a separate provision to a different audience, so it counts
    cumulatively (Art. 11 para. 2).
    """
    return {kind: max(locations, 0) for kind in sorted(set(kinds)) if kind in TIER_OF_KIND}


def assess(facts: Facts) -> Result:
    """The assessment of one case or incident: level, the lines explaining it, flags, referrals."""
    lines: list[Line] = []
    flags: list[str] = []
    level, ratio, tier_counts = _quantity(facts, lines)
    level = _conduct(facts, level, lines, flags)
    harms, threat, wide = _qualitative(facts, level, lines, flags)
    level_words = {
        NONE: ("No serious circumstances indicated by the rules", "规则未显示情节严重"),
        SERIOUS: ("Indicates serious circumstances", "提示：情节严重"),
        ESPECIALLY_SERIOUS: ("Indicates especially serious circumstances", "提示：情节特别严重"),
    }[level]
    lines.insert(0, Line(*level_words))
    lines.append(Line(*DISCLAIMER))
    referrals: list[str] = []
    if threat or level != NONE or facts.used_for_crime:
        referrals.append(PUBLIC_SECURITY)
    if wide:
        referrals.append(CAC)
    if facts.victim_is_minor and level != NONE or level == ESPECIALLY_SERIOUS:
        # Public-interest litigation for personal information (PIPL Art. 70) and the
        # protection of minors are the procuratorate's.
        referrals.append(PROCURATORATE)
    raise_priority = level != NONE or threat or facts.victim_is_minor or facts.used_for_crime
    return Result(
        level=level,
        ratio=ratio,
        tier_counts=tier_counts,
        lines=tuple(lines),
        flags=tuple(flags),
        raise_priority=raise_priority,
        referrals=tuple(referrals),
    )


def _quantity(facts: Facts, lines: list[Line]) -> tuple[str, Fraction, dict[int, int]]:
    """Counts against the 50 / 500 / 5,000 standards (Art. 5(1)(3)-(6)), classes summed in
    proportion, and ten times the standard (Art. 5(2)(3)). Appends the lines it explains."""
    factor = Fraction(1, 2) if facts.obtained_in_duty else Fraction(1)
    tier_counts = {tier: 0 for tier in THRESHOLDS}
    for kind, count in sorted(facts.counts.items()):
        if count <= 0:
            continue
        tier = TIER_OF_KIND.get(kind, TIER_5000)
        tier_counts[tier] += int(count)
        threshold = THRESHOLDS[tier] * factor
        en_kind, zh_kind = KIND_WORDS.get(kind, (kind, kind))
        share = Fraction(int(count)) / threshold
        lines.append(
            Line(
                f"{count} item{'s' if count != 1 else ''} of {en_kind}: {_percent(share)} of the threshold of {_fmt(threshold)}",
                f"{zh_kind} {count} 条：达到 {_fmt(threshold)} 条标准的 {_percent(share)}",
                TIER_ARTICLE[tier],
            )
        )
    if facts.obtained_in_duty:
        lines.append(
            Line(
                "Obtained while performing duties or providing services: thresholds halved",
                "在履行职责或者提供服务过程中获得：标准减半",
                "Art. 5(1)(8)",
            )
        )
    ratio = sum(
        (Fraction(tier_counts[tier]) / (THRESHOLDS[tier] * factor) for tier in THRESHOLDS), Fraction(0)
    )
    level = NONE
    tiers_used = sum(1 for tier in THRESHOLDS if tier_counts[tier])
    for tier in THRESHOLDS:
        if tier_counts[tier] >= THRESHOLDS[tier] * factor:
            level = SERIOUS
            lines.append(
                Line(
                    f"{tier_counts[tier]} items reach the threshold of {_fmt(THRESHOLDS[tier] * factor)}: serious circumstances",
                    f"{tier_counts[tier]} 条达到 {_fmt(THRESHOLDS[tier] * factor)} 条标准：情节严重",
                    TIER_ARTICLE[tier],
                )
            )
    if tiers_used > 1:
        lines.append(
            Line(
                f"Classes summed in proportion: {_percent(ratio)} of the threshold",
                f"各类信息按比例合计：达到标准的 {_percent(ratio)}",
                "Art. 5(1)(6)",
            )
        )
        if ratio >= 1 and level == NONE:
            level = SERIOUS
    if ratio >= ESPECIALLY_SERIOUS_FACTOR:
        level = ESPECIALLY_SERIOUS
        lines.append(
            Line(
                f"Ten times the quantity standard or more ({_percent(ratio)}): especially serious circumstances",
                f"达到数量标准十倍以上（{_percent(ratio)}）：情节特别严重",
                "Art. 5(2)(3)",
            )
        )
    return level, ratio, tier_counts


def _conduct(facts: Facts, level: str, lines: list[Line], flags: list[str]) -> str:
    """What was done with the information: used for a crime (Art. 5(1)(1)-(2)), a grave
    consequence (Art. 5(2)(1)). Returns the level these raise it to."""
    if facts.used_for_crime:
        flags.append("used_for_crime")
        article = "Art. 5(1)(1)" if facts.counts.get("whereabouts", 0) > 0 else "Art. 5(1)(2)"
        lines.append(
            Line(
                "The information was used to commit a crime: serious circumstances whatever the count",
                "信息被用于实施犯罪：不论数量，情节严重",
                article,
            )
        )
        if level == NONE:
            level = SERIOUS
    if facts.grave_consequence:
        flags.append("grave_consequence")
        lines.append(
            Line(
                "The victim suffered death, serious injury, mental disorder, kidnapping or a similar grave consequence: especially serious circumstances",
                "造成被害人死亡、重伤、精神失常或者被绑架等严重后果：情节特别严重",
                "Art. 5(2)(1)",
            )
        )
        level = ESPECIALLY_SERIOUS
    return level


def _qualitative(facts: Facts, level: str, lines: list[Line], flags: list[str]) -> tuple[list[str], bool, bool]:
    """Harm, a minor, sensitive information and spread: flags for referral and priority.
    Returns (harms, threat to safety, wide spread)."""
    harms = sorted(facts.harms & HARM_KINDS)
    threat = bool(facts.harms & THREAT_HARMS)
    if harms:
        flags.append("victim_harmed")
        lines.append(
            Line(
                "The victim reports harm: " + ", ".join(h.replace("_", " ") for h in harms),
                "被害人报告受到侵害：" + "、".join(_HARM_ZH.get(h, h) for h in harms),
            )
        )
    if facts.victim_is_minor:
        flags.append("minor")
        lines.append(
            Line(
                "The victim is a minor: the information is sensitive in itself",
                "被害人为未成年人：其信息本身即属敏感个人信息",
                "PIPL Art. 28",
            )
        )
    sensitive = sorted(k for k, c in facts.counts.items() if c > 0 and k in SENSITIVE_KINDS)
    if sensitive:
        flags.append("sensitive_information")
        lines.append(
            Line(
                "Sensitive personal information: " + ", ".join(KIND_WORDS[k][0] for k in sensitive),
                "敏感个人信息：" + "、".join(KIND_WORDS[k][1] for k in sensitive),
                "PIPL Art. 28",
            )
        )
    wide = _spread(facts, lines, flags)
    qualitative = bool(harms) or facts.victim_is_minor or wide or (bool(sensitive) and threat)
    if level == NONE and qualitative:
        flags.append("possible_other_serious")
        lines.append(
            Line(
                "Below the quantity standards, but the qualitative factors may amount to other serious circumstances: for the authority to judge",
                "未达数量标准，但质的因素可能构成其他情节严重的情形，由主管机关判断",
                "Art. 5(1)(10)",
            )
        )
    return harms, threat, wide


def _spread(facts: Facts, lines: list[Line], flags: list[str]) -> bool:
    wide = (
        facts.views >= WIDE_SPREAD_VIEWS
        or facts.shares >= WIDE_SPREAD_SHARES
        or facts.locations >= WIDE_SPREAD_LOCATIONS
    )
    if facts.locations or facts.shares or facts.views:
        lines.append(
            Line(
                f"Spread: {facts.locations} locations, {facts.shares} shares, {facts.views} views",
                f"传播范围：{facts.locations} 处发布，转发 {facts.shares} 次，浏览 {facts.views} 次",
            )
        )
    if wide:
        flags.append("wide_spread")
        lines.append(
            Line(
                f"Wide spread (by analogy: {WIDE_SPREAD_VIEWS} views or {WIDE_SPREAD_SHARES} shares)",
                f"传播范围广（参照：浏览 {WIDE_SPREAD_VIEWS} 次或转发 {WIDE_SPREAD_SHARES} 次）",
                "2013 defamation interpretation Art. 2(1), by analogy",
            )
        )
    return wide


_HARM_ZH = {
    "threats": "受到威胁",
    "offline_harassment": "线下骚扰",
    "self_harm_risk": "有自伤风险",
    "incitement": "他人被煽动攻击",
    "contact_by_strangers": "陌生人联系骚扰",
}


def _fmt(value: Fraction | int) -> str:
    value = Fraction(value)
    return f"{value.numerator:,}" if value.denominator == 1 else f"{float(value):,g}"
