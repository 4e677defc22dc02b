"""Country codes of a decision's territorial scope. Pure: no database, no settings.

Codes are ISO 3166-1 alpha-2 (pycountry's copy of the standard). Two codes the EU's own
texts use are not ISO assignments and are mapped to the ISO code on input: ``EL`` for Greece
and ``UK`` for the United Kingdom (the EU Interinstitutional Style Guide's country codes).
The DSA Transparency Database takes the ISO code, ``GR`` (its EuropeanCountriesService).
"""

from __future__ import annotations

from collections.abc import Iterable

import pycountry

ALIASES = {"EL": "GR", "UK": "GB"}

# The EU and EEA member states, as the Transparency Database lists them
# (app/Services/EuropeanCountriesService.php: EUROPEAN_UNION_COUNTRY_CODES and
# EUROPEAN_ECONOMIC_AREA_COUNTRY_CODES).
EU = tuple("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
EEA = tuple(sorted((*EU, "IS", "LI", "NO")))
EEA_SET = frozenset(EEA)


def canonical(code: object) -> str | None:
    """The ISO 3166-1 alpha-2 code for ``code`` (any case, EU aliases mapped), or None."""
    if not isinstance(code, str):
        return None
    upper = code.strip().upper()
    upper = ALIASES.get(upper, upper)
    if len(upper) != 2 or not upper.isalpha() or pycountry.countries.get(alpha_2=upper) is None:
        return None
    return upper


def normalise(codes: Iterable[object]) -> tuple[list[str], list[str]]:
    """(the valid codes, canonical, sorted, once each; the codes that are not countries, as given)."""
    valid: set[str] = set()
    invalid: list[str] = []
    for code in codes:
        found = canonical(code)
        if found is None:
            invalid.append(str(code))
        else:
            valid.add(found)
    return sorted(valid), invalid


def scope_errors(codes: Iterable[object]) -> list[str]:
    """Messages for a territorial scope with codes that are not countries; [] when all are."""
    _valid, invalid = normalise(codes)
    if not invalid:
        return []
    return [f"Not ISO 3166-1 alpha-2 country codes: {', '.join(invalid)}. Use e.g. DE, FR, GR (or EL), CN."]


def eea_part(codes: Iterable[str]) -> list[str]:
    """The EU/EEA countries of a scope; an empty scope (worldwide) is every one of them."""
    codes = list(codes)
    if not codes:
        return list(EEA)
    valid, _invalid = normalise(codes)
    return [c for c in valid if c in EEA_SET]
