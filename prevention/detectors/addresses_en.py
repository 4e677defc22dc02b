"""English street addresses in posts: a pure module used by the detectors.

An address is a house number, a street name and a street suffix from USPS
Publication 28 (Appendix C1, primary names and their abbreviations, any case), with an
optional secondary unit (Apt, Suite, Unit, #), city, state and ZIP code; PO boxes and
military addresses (PSC / Unit / ship, APO / FPO / DPO) are found too.

Every function returns (start, end, confidence, rule) tuples over the text it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prevention.detectors.addresses_zh import Span

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


def _street_suffix(names: list[re.Match[str]]) -> tuple[int | None, bool]:
    """Which of the words after the house number is the street type (the first strong
    one, else the first weak one; never the first word), and whether it is strong."""
    chosen = None
    for i in range(1, min(len(names), 5)):
        word = names[i].group().lower().rstrip(".")
        if word in _STRONG_SUFFIXES:
            return i, True
        if chosen is None and word in _WEAK_SUFFIXES:
            chosen = i
    return chosen, False


def en_street(text: str, start: int, end: int) -> Span | None:
    """Judge a house number followed by words, ``text[start:end]``, as a street address."""
    if start and text[start - 1] in _TOKEN_BEFORE:
        return None
    words = list(_EN_WORD.finditer(text, start, end))
    if len(words) < 3:
        return None
    number = words[0].group()
    names = words[1:]
    chosen, strong = None, False
    if names[0].group().lower().rstrip(".") in _DIRECTIONS and len(names) > 2:
        chosen, strong = _street_suffix(names[1:])
        if chosen is not None:
            names = names[1:]
    if chosen is None:
        # No direction, or the direction is the street's name ("581 West Summit").
        chosen, strong = _street_suffix(names)
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
