"""Street addresses in posts, Chinese and English: a pure module used by the detectors.

Chinese addresses are anchored on a street-level name and what locates a door on it:
a road, street, lane or village followed by a house number (``建国路88号``), a lettered
or numbered block (``萧路S座``, ``街A座``), a lane number or a village group; or an
estate followed by a building (``阳光小区3栋``). From the anchor the address is grown
leftwards over place names and administrative levels (province, prefecture, county,
township; the province names of GB/T 2260 mark where an address begins) and rightwards
over buildings, units, rooms (``3栋2单元501室``, ``3-2-501``) and a trailing postcode.
A metro line (``7号线``) or a house number with no street before it is not an address.
Addresses typed with a space between every character are found on a compacted view.

English addresses are a house number, a street name and a street suffix from USPS
Publication 28 (Appendix C1, primary names and their abbreviations, any case), with an
optional secondary unit (Apt, Suite, Unit, #), city, state and ZIP code; PO boxes and
military addresses (PSC / Unit / ship, APO / FPO / DPO) are found too.

Every function returns (start, end, confidence, rule) tuples over the text it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prevention.cn_regions import ADMIN_SUFFIXES, PROVINCE_NAMES, PROVINCE_SHORT_NAMES

Span = tuple[int, int, float, str]

# ---------------------------------------------------------------------------
# Chinese.

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
_SPACED_RUN = re.compile(
    f"(?:[\u4e00-\u9fff0-9A-Za-z\\-][{_GAP}]{{1,2}}){{3,}}[\u4e00-\u9fff0-9A-Za-z\\-]"
)
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


# ---------------------------------------------------------------------------
# English.

# USPS Publication 28, Appendix C1: street suffixes, their common abbreviations and the
# Postal Service standard abbreviation. Those that read as ordinary words ("park",
# "view", "mission") need more evidence than those that only name streets.
_STRONG_SUFFIXES = frozenset(
    """alley allee ally aly avenue av ave aven avenu avn avnue blvd boul boulevard boulv
    causeway causwa cswy circ circl circle cir crcl crcle circles cirs close court ct crt courts cts
    crescent cres crsent crsnt dr driv drive drv drives drs expressway expr express expw
    expy freeway freewy frway frwy fwy highway highwy hiway hiwy hway hwy lane ln mews
    parkway parkwy pkway pkwy pky parkways pkwys place pl plaza plz plza road rd roads rds
    st str street strt streets sts stravenue strav straven stravn strvn strvnue stra
    terrace ter terr trail trails trl trls turnpike trnpk tpke turnpk way wy ways
    square sq sqr sqre squ squares sqs boulevard""".split()
)
_WEAK_SUFFIXES = frozenset(
    """allee annex anex annx anx arcade arc bayou bayoo byu beach bch bend bnd bluff bluf
    blf bluffs blfs bottom bot btm bottm branch brnch br bridge brdge brg brook brk brooks
    brks burg bg burgs bgs bypass bypa bypas byps byp camp cp cmp canyon canyn cnyn cyn cape
    cpe center cen cent centr centre cnter cntr ctr centers ctrs cliff clf cliffs clfs club
    clb common cmn commons cmns corner cor corners cors course crse cove cv coves cvs creek
    crk crest crst crossing crssng xing crossroad xrd crossroads xrds curve curv dale dl dam
    dm divide div dvd dv estate est estates ests extension ext extn extnsn extensions exts
    fall falls fls ferry frry fry field fld fields flds flat flt flats flts ford frd fords
    frds forest forests frst forge forg frg forges frgs fork frk forks frks fort frt ft
    garden gardn grden grdn gdn gardens gdns grdns gateway gatewy gatway gtway gtwy glen gln
    glens glns green grn greens grns grove grov grv groves grvs harbor harb harbr hbr hrbor
    harbors hbrs haven hvn heights ht hts hill hl hills hls hollow hllw holw holws inlet
    inlt island is islnd islands iss islnds isle isles junction jct jction jctn junctn
    juncton junctions jcts jctns key ky keys kys knoll knl knol knolls knls lake lk lakes
    lks land landing lndg lndng light lgt lights lgts loaf lf lock lck locks lcks lodge ldg
    ldge lodg loop loops mall manor mnr manors mnrs meadow mdw meadows mdws medows mill ml
    mills mls mission missn mssn msn motorway mtwy mount mnt mt mountain mntain mntn
    mountin mtin mtn mountains mntns mtns neck nck orchard orchrd orch oval ovl overpass
    opas park prk parks pass passage psge path paths pike pikes pine pne pines pnes plain
    pln plains plns point pt points pts port prt ports prts prairie prr pr radial rad radiel
    radl ramp ranch ranches rnch rnchs rapid rpd rapids rpds rest rst ridge rdg rdge ridges
    rdgs river rvr rivr riv route rte row rue run shoal shl shoals shls shore shoar shr
    shores shoars shrs skyway skwy spring spng sprng spg springs spngs sprngs spgs spur
    spurs station statn stn sta stream streme strm summit sumit sumitt smt throughway trwy
    trace traces trce track tracks trak trk trks trafficway trfy trailer trlr trlrs tunnel
    tunel tunl tunls tunnels tunnl underpass upas union un unions uns valley vally vlly vly
    valleys vlys viaduct vdct via viadct view vw views vws village vill villag villg villiage
    vlg villages vlgs ville vl vista vist vst vsta vis walk walks wall well wl wells wls
    grove wharf yard""".split()
)
# Words that are never part of a street's name: "3 miles down the road".
_NOT_NAME_WORDS = frozenset(
    """the a an of to in on at for and or with from by my his her their our your its is was
    are be been i we you he she it they this that these those down up over into than then
    more less about some any every all best top next last first other few many per each
    very just only also am pm not no yes so but if as me him them us what which who when
    where how why here there""".split()
)
# Words that make the number before them a count ("3 miles down the road").
_UNIT_WORDS = frozenset(
    """miles mile mi km minutes minute min mins hours hour hrs hr days weeks months years
    yrs times people persons kids children dollars bucks percent pounds lbs kg feet ft
    inches meters metres blocks floors rooms cars reasons ways things steps points stars
    items guys men women friends""".split()
)
_DIRECTIONS = frozenset("n s e w ne nw se sw north south east west".split())

_ORDINAL = re.compile(r"[0-9]{1,3}(?:st|nd|rd|th)")
_EN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*\.?")
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
    "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|AS|GU|MP|PR|VI|FM|MH|PW|"
    "AA|AE|AP"
)
_SECONDARY = (
    r"(?:apt\.?|apartment|suite|ste\.?|unit|fl\.?|floor|rm\.?|room|bldg\.?|building|lot|"
    r"trlr|space|spc|dept\.?|#)"
)
_EN_TAIL = re.compile(
    rf"(?:[ \t]+(?:n|s|e|w|ne|nw|se|sw)\b\.?)?"
    rf"(?:,?[ \t]*{_SECONDARY}[ \t]*#?[ \t]?[A-Za-z0-9\-]{{1,6}}\b)?"
    rf"(?:(?:,[ \t]*|[ \t]*\r?\n[ \t]*)(?:[A-Za-z][A-Za-z.'\-]*[ \t]){{0,3}}[A-Za-z][A-Za-z.'\-]*,?[ \t]+"
    rf"(?:(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b|[A-Z]{{1,2}}\d[A-Z\d]?[ \t]?\d[A-Z]{{2}}\b))?",
    re.IGNORECASE,
)
_EN_UNIT_BEFORE = re.compile(
    r"(?:Flat|Apt\.?|Apartment|Unit|Suite|Room)[ \t]*#?[A-Za-z0-9\-]{1,5},?[ \t]*\Z", re.IGNORECASE
)
_TOKEN_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$#")


def en_street(text: str, start: int, end: int) -> Span | None:
    """Judge a house number followed by words, ``text[start:end]``, as a street address."""
    if start and text[start - 1] in _TOKEN_BEFORE:
        return None
    words = list(_EN_WORD.finditer(text, start, end))
    if len(words) < 3:
        return None
    number = words[0].group()
    names = words[1:]
    if names[0].group().lower().rstrip(".") in _DIRECTIONS and len(names) > 2:
        names = names[1:]
    chosen = None
    strong = False
    for i in range(1, min(len(names), 5)):
        word = names[i].group().lower().rstrip(".")
        if word in _STRONG_SUFFIXES:
            chosen, strong = i, True
            break
        if chosen is None and word in _WEAK_SUFFIXES:
            chosen = i
    if chosen is None:
        return None
    name_words = [w.group().lower().rstrip(".") for w in names[:chosen]]
    if any(w in _NOT_NAME_WORDS for w in name_words) or name_words[0] in _UNIT_WORDS:
        return None
    if name_words[0][0].isdigit() and not _ORDINAL.fullmatch(name_words[0]):
        return None
    suffix = names[chosen]
    street_end = suffix.end()
    if not suffix.group().endswith(".") and street_end < len(text) and text[street_end] == ".":
        if suffix.group().lower() not in ("street", "avenue", "road", "drive", "lane", "court"):
            street_end += 1
    tail = _EN_TAIL.match(text, street_end)
    has_tail = tail is not None and tail.end() > street_end
    capitalised = all(w.group()[0].isupper() for w in names[: chosen + 1])
    digits = number.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    if not strong and not (has_tail or capitalised or len(digits.split("-")[0]) >= 3):
        return None
    if not strong and not has_tail and re.fullmatch(r"(?:19|20)\d\d", digits):
        return None
    before = _EN_UNIT_BEFORE.search(text, max(0, start - 24), start)
    if before is not None:
        start = before.start()
    end = tail.end() if has_tail else street_end
    confidence = 0.9 if has_tail else 0.85 if strong else 0.75
    return start, end, confidence, "address.en_street"


_PO_BOX = re.compile(
    r"(?<![A-Za-z])(?:p\.?[ \t]?o\.?[ \t]?box|post[ \t]+office[ \t]+box)[ \t]*#?[ \t]*\d{1,6}\b",
    re.IGNORECASE,
)
_MILITARY = re.compile(
    r"(?:(?:PSC|CMR|Unit)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}|(?:USNS|USNV|USS|USCGC)[ \t]+[A-Z][a-z]+)"
    r"[ \t]*[,\n][ \t]*(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b",
    re.IGNORECASE,
)
_CITY_STATE_ZIP = re.compile(
    rf"(?:,[ \t]*|[ \t]*\r?\n[ \t]*)(?:[A-Za-z][A-Za-z.'\-]*[ \t]){{0,3}}[A-Za-z][A-Za-z.'\-]*,?[ \t]+"
    rf"(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
    re.IGNORECASE,
)


def en_boxes(text: str) -> Iterator[Span]:
    """PO boxes and military addresses (call only when ``text`` mentions a box or a PO)."""
    for m in _PO_BOX.finditer(text):
        tail = _CITY_STATE_ZIP.match(text, m.end())
        end = tail.end() if tail else m.end()
        yield m.start(), end, 0.85, "address.en_po_box"
    for m in _MILITARY.finditer(text):
        yield m.start(), m.end(), 0.85, "address.en_military"
