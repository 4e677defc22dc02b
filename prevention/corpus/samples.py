"""What the corpus is made of: posts, the values planted in them and the look-alikes."""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS: tuple[str, ...] = (
    "id_number",
    "phone",
    "bank_card",
    "email",
    "licence_plate",
    "address",
    "protected_name",
)


@dataclass(frozen=True, slots=True)
class Planted:
    kind: str
    start: int
    end: int
    value: str  # as written in the post
    normalized: str  # the canonical form of the value
    obfuscation: str  # "plain", "spaced", "homoglyph", "emoji", "spelled", "at_dot" ...


@dataclass(frozen=True, slots=True)
class Negative:
    """A look-alike that is not personal information, with where it sits."""

    label: str  # "order_number", "date_range", "file_name", "metro_line", ...
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sample:
    id: int
    lang: str  # "zh" | "en"
    text: str
    planted: tuple[Planted, ...]
    negatives: tuple[Negative, ...]
    protected_names: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "lang": self.lang,
            "text": self.text,
            "planted": [asdict(p) for p in self.planted],
            "negatives": [asdict(n) for n in self.negatives],
            "protected_names": list(self.protected_names),
        }

