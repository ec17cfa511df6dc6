"""Format facts for a language with Babel: '4 jam' / '4 hours', '38,0°C' / '38.0°C'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, cast

from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from asipack.model.pack import Fact

# unit in facts.yml -> (CLDR unit, length of the unit name); money as ("currency", ISO 4217 code)
UNITS: dict[str, tuple[str, str] | None] = {
    "minute": ("duration-minute", "long"),
    "hour": ("duration-hour", "long"),
    "day": ("duration-day", "long"),
    "week": ("duration-week", "long"),
    "month": ("duration-month", "long"),
    "year": ("duration-year", "long"),
    "celsius": ("temperature-celsius", "short"),
    "ml": ("volume-milliliter", "short"),
    "cm": ("length-centimeter", "short"),
    "metre": ("length-meter", "short"),
    "percent": ("concentr-percent", "short"),
    "square_metre": ("area-square-meter", "short"),
    "count": None,
    "usd": ("currency", "USD"),  # money a source reports in US dollars: "US$240,000" / "US$240.000"
}


def unit_words_of(unit: str, locale: str) -> str | None:
    """Return the words Babel writes for a long unit in a locale ('bulan', 'months'), or None for a symbol ('m')."""
    cldr = UNITS.get(unit)
    if cldr is None or cldr[1] != "long":
        return ""  # counts, money and short units (°C, mL) need no words
    words = format_unit(7, cldr[0], length="long", locale=locale).replace("7", "").strip()
    return words if len(words) >= 3 else None


RANGE_DASH = "\u2013"  # en dash, as both languages print ranges
RANGE_PATTERN = "{low}" + RANGE_DASH + "{high}"


def number_pattern(decimals: int) -> str:
    """Return a Babel number pattern with a fixed number of decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def format_number(value: float | int, locale: str, decimals: int = 0) -> str:
    """Format a bare number for a locale, with a true minus sign."""
    text = format_decimal(value, format=number_pattern(decimals), locale=locale)
    return text.replace("-", "\u2212")


def format_fact(fact: Fact, locale: str, unit_words: Mapping[str, str] | None = None) -> str:
    """Format a fact's value and unit for a locale; a range keeps the unit's plural form.

    A language's own unit words (languages.yml `units:`, e.g. month: "{0} sasih") come first,
    for languages whose CLDR data has only symbols ("6 m", which a reader may take for metres).
    """
    values = fact.value if isinstance(fact.value, list) else [fact.value]
    numbers = [format_number(v, locale, fact.decimals) for v in values]
    shown = numbers[0] if len(numbers) == 1 else RANGE_PATTERN.format(low=numbers[0], high=numbers[-1])
    if unit_words and fact.unit in unit_words:
        return unit_words[fact.unit].replace("{0}", shown)
    unit = UNITS[fact.unit]
    if unit is None:
        return shown
    if unit[0] == "currency":
        money = [
            format_currency(v, unit[1], format="\u00a4" + number_pattern(fact.decimals), locale=locale, currency_digits=False)
            for v in values
        ]
        return money[0] if len(money) == 1 else RANGE_PATTERN.format(low=money[0], high=money[-1])
    cldr_unit, length = unit
    # Format the largest value so the unit takes its plural ("1–2 hours", not "1–2 hour"),
    # then put the shown number (or range) in its place.
    largest = values[-1]
    formatted = format_unit(
        largest, cldr_unit, length=cast(Literal["short", "long"], length), format=number_pattern(fact.decimals), locale=locale
    )
    formatted = formatted.replace("-", "\u2212")
    return formatted.replace(numbers[-1], shown, 1)
