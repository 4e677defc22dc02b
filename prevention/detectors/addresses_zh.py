"""Chinese street addresses in posts: a pure module used by the detectors.

Addresses are anchored on a street-level name and what locates a door on it:
a road, street, lane or village followed by a house number (``建国路88号``), a lettered
or numbered block (``萧路S座``, ``街A座``), a lane number or a village group; or an
estate followed by a building (``阳光小区3栋``). From the anchor the address is grown
leftwards over place names and administrative levels (province, prefecture, county,
township; the province names of GB/T 2260 mark where an address begins) and rightwards
over buildings, units, rooms (``3栋2单元501室``, ``3-2-501``) and a trailing postcode.
A metro line (``7号线``) or a house number with no street before it is not an address.
Addresses typed with a space between every character, or with spaces around their
numbers (``建国路 88 号 3 栋``), are found on a compacted view.

Every function returns (start, end, confidence, rule) tuples over the text it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prevention.detectors.cn_regions import ADMIN_SUFFIXES, PROVINCE_NAMES, PROVINCE_SHORT_NAMES

Span = tuple[int, int, float, str]

_NUM = "0-9A-Za-z一二三四五六七八九十百零〇两"
_ESTATE = "小区|花园|家园|公寓|大厦|广场|新村|社区|山庄|大楼|苑|园|府|庭|城|中心|公馆|华府|名都"

# Anchors are found from their unit character, which is rare in prose, and read
# backwards: the number before it, then the road or estate suffix before the number.
_UNIT_CHAR = re.compile("[号號座栋棟幢弄组排单單]")
_ROAD_UNITS = frozenset(("号楼", "号院", "号", "號", "座", "栋", "棟", "幢", "弄", "组", "排"))
_ESTATE_UNITS = frozenset(("号楼", "号院", "栋", "棟", "幢", "座", "单元", "單元"))
_TWO_CHAR_UNITS = frozenset(("号楼", "号院", "单元", "單元"))
_ANCHOR_REVERSED = re.compile(
    rf"(?:[0-9]{{1,4}}-)?[{_NUM}]{{1,5}}(?:段[0-9一二三四五六七八九十]{{1,2}})?"
    rf"(?:(?P<road>道大|街大|同胡|[路街巷弄道里村])|(?P<estate>{'|'.join(e[::-1] for e in _ESTATE.split('|'))}))"
)
_STRONG_ROADS = frozenset(("路", "街", "巷", "弄", "村", "大道", "大街", "胡同"))
_STRONG_ESTATES = frozenset(
    ("小区", "花园", "家园", "公寓", "大厦", "广场", "新村", "社区", "山庄", "大楼")
)

# Words that end the place name to the left of an address ("他家住在北京市…"): verbs,
# pronouns and particles that do not occur inside place names.
_ADDRESS_STOPS = (
    "在住于址是的到去与及或就也还又把被给让对说看叫有没不这那个们我你他她它为要能从离了吗呢吧啊呀现"
)


def _cjk_class_without(excluded: str) -> str:
    """A class of the CJK unified ideographs minus ``excluded``, as ranges."""
    parts = []
    low = 0x4E00
    for cp in sorted({ord(c) for c in excluded if 0x4E00 <= ord(c) <= 0x9FFF}):
        if cp > low:
            parts.append(f"{chr(low)}-{chr(cp - 1)}" if cp - 1 > low else chr(low))
        low = cp + 1
    if low <= 0x9FFF:
        parts.append(f"{chr(low)}-{chr(0x9FFF)}")
    return "[" + "".join(parts) + "]"


_PLACE_CHAR = _cjk_class_without(ADMIN_SUFFIXES + _ADDRESS_STOPS + "号號栋棟幢室座")
# Matched on the reversed text left of the street suffix, so that greedy matching grows
# the address leftwards over the street's name and the administrative levels before it
# (whose suffixes also occur inside street names: 潮州路, 北镇路).
_LEFT_REVERSED = re.compile(rf"(?:{_PLACE_CHAR}|[0-9{ADMIN_SUFFIXES}]){{1,40}}")
_LEFT_WINDOW = 48
_ADMIN = re.compile(f"[{ADMIN_SUFFIXES}]")
_PROVINCE = re.compile("|".join(sorted(PROVINCE_NAMES + PROVINCE_SHORT_NAMES, key=len, reverse=True)))
_TAIL = re.compile(
    r"(?:[\- ]?[0-9]{1,5}(?:-[0-9]{1,5}){1,3}(?:室|号|號)?"
    rf"|[{_NUM}]{{1,6}}(?:号楼|号院|号(?!线)|號|栋|棟|幢|座|单元|單元|楼|樓|层|層|室|房|户|弄|组)"
    r"|(?<=[座栋幢楼层])[0-9]{2,5}(?![0-9]))+"
)
_POSTCODE = re.compile(r" ?[0-9]{6}(?![0-9])")


def cn_addresses(text: str) -> Iterator[Span]:
    """Chinese addresses in ``text``, each found once."""
    done = 0
    for u in _UNIT_CHAR.finditer(text):
        if u.start() < done:
            continue
        found = cn_address_at(text, u.start())
        if found is not None:
            done = found[1]
            yield found


_NUM_SET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz一二三四五六七八九十百零〇两")


def cn_address_at(text: str, at: int) -> Span | None:
    """The Chinese address whose unit character ("号", "座", "栋", ...) is at ``at``."""
    if at == 0 or text[at - 1] not in _NUM_SET:
        return None
    unit = text[at : at + 2]
    if unit not in _TWO_CHAR_UNITS:
        unit = text[at]
        if unit in "单單" or text[at : at + 2] == "号线":
            return None
    back = _ANCHOR_REVERSED.match(text[max(0, at - 16) : at][::-1])
    if back is None:
        return None
    road = back.group("road")
    road = road[::-1] if road is not None else None
    if (road is not None and unit not in _ROAD_UNITS) or (road is None and unit not in _ESTATE_UNITS):
        return None
    suffix_at = at - back.end()
    anchor_end = at + len(unit)
    low = max(0, suffix_at - _LEFT_WINDOW)
    left = _LEFT_REVERSED.match(text[low:suffix_at][::-1])
    if left is None:
        return None
    start = suffix_at - left.end()
    name = text[start:suffix_at]
    province = _PROVINCE.search(name)
    if province is not None:
        start += province.start()
        name = name[province.start() :]
    has_admin = province is not None or _ADMIN.search(name) is not None
    end = anchor_end
    tail = _TAIL.match(text, end)
    if tail is not None:
        end = tail.end()
    if text[end - 1] in "座号號" or tail is not None:
        postcode = _POSTCODE.match(text, end)
        if postcode is not None:
            end = postcode.end()
    if road is not None:
        strong = road in _STRONG_ROADS
        if not (strong or has_admin or tail is not None):
            return None
        numbered = unit in ("号", "號", "弄")
        rule = "address.cn_house_number" if numbered else "address.cn_building"
        confidence = 0.9 if strong and (numbered or has_admin) else 0.8
    else:
        strong = back.group("estate")[::-1] in _STRONG_ESTATES
        if not (strong or has_admin or tail is not None or len(name) >= 2):
            return None
        rule = "address.cn_building"
        confidence = 0.85 if strong or has_admin else 0.75
    return start, end, confidence, rule


# A post typed with a gap between every character ("北 京 市 朝 阳 区 …"): runs of at least
# four characters each followed by one gap, with a Chinese character among them.
_GAP = " ·\u200b\u200c\u200d\u2060\ufeff\u3000"
# Written "C G (C G){2,} C" rather than "(C G){3,} C": the same runs, but opening with a
# class keeps the regex engine's fast scan for the first character (a repeat loses it).
_RUN_CHAR = "[\u4e00-\u9fff0-9A-Za-z\\-]"
_SPACED_RUN = re.compile(f"{_RUN_CHAR}[{_GAP}]{{1,2}}(?:{_RUN_CHAR}[{_GAP}]{{1,2}}){{2,}}{_RUN_CHAR}")
_SPACED_HINT = re.compile(f"[{_GAP}][\u4e00-\u9fff0-9][{_GAP}]{{1,2}}[\u4e00-\u9fff0-9][{_GAP}]")


def spaced_runs(text: str) -> Iterator[tuple[str, list[int]]]:
    """Each spaced-out run of ``text`` without its gaps, with each kept character's
    offset into ``text``."""
    if _SPACED_HINT.search(text) is None:
        return  # the common case: found from a gap, which prose rarely has between characters
    for m in _SPACED_RUN.finditer(text):
        run = m.group()
        if _CJK_CHAR.search(run) is None:
            continue
        base = m.start()
        offsets = [base + i for i, c in enumerate(run) if c not in _GAP]
        yield "".join(run[i - base] for i in offsets), offsets


_CJK_CHAR = re.compile("[\u4e00-\u9fff]")


# Chinese typed with a space between Chinese characters and Latin letters or digits, a
# common typographic habit ("建国路 88 号 3 栋 2 单元", "街 A 座 7405"). The hint, a number or
# block letter spaced from the unit after it, is what an address needs and prose rarely
# has; only then is the view without those spaces built.
_SPACED_UNIT_HINT = re.compile("[0-9A-Za-z][ \u3000]{1,2}[号號座栋棟幢弄组排单單室]")
_CJK_LATIN_GAP = re.compile(
    "(?<=[\u4e00-\u9fff])[ \u3000]{1,2}(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])[ \u3000]{1,2}(?=[\u4e00-\u9fff])"
)


def cjk_latin_compacted(text: str) -> tuple[str, list[int]] | None:
    """``text`` without the spaces between Chinese characters and Latin letters or
    digits, with each kept character's offset into ``text``; None where no number is
    spaced from a unit (nothing to find that the plain scan missed)."""
    if _SPACED_UNIT_HINT.search(text) is None:
        return None
    pieces: list[str] = []
    offsets: list[int] = []
    last = 0
    for gap in _CJK_LATIN_GAP.finditer(text):
        pieces.append(text[last : gap.start()])
        offsets.extend(range(last, gap.start()))
        last = gap.end()
    pieces.append(text[last:])
    offsets.extend(range(last, len(text)))
    return "".join(pieces), offsets
