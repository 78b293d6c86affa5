"""Bilingual sentences for rule results, and the comparison of a measured value with its limit.

Arabic text is plain logical-order Unicode. Latin runs inside it (zone codes, use names) are
wrapped in Unicode isolates (U+2066 ... U+2069) so the bidi algorithm does not reorder them.
"""

from dataclasses import dataclass
from typing import Literal

from plans.check_records import Explanation, Limit, RuleResult
from plans.types import RuleStatus

Bound = Literal["max", "min"]

_LRI, _PDI = "\u2066", "\u2069"
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Subject:
    """What a rule measures, named in both languages, and how its numbers are shown."""

    ar: str
    en: str
    unit: str | None
    percent: bool = False


_UNITS = {"m": ("م", "m"), "m2": ("م²", "m²")}


def latin(text: str) -> str:
    r"""Wrap a left-to-right run for use inside Arabic text.

    Examples
    --------
    >>> latin("RES_A") == "\u2066RES_A\u2069"
    True
    """
    return f"{_LRI}{text}{_PDI}"


def number(value: float) -> str:
    """Format a measured number to at most two decimals, without trailing zeros.

    Examples
    --------
    >>> number(12.0), number(0.3333), number(1560.50)
    ('12', '0.33', '1560.5')
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def quantity(value: float, subject: Subject, language: Literal["ar", "en"]) -> str:
    """Format `value` with the unit of `subject` in `language`."""
    if subject.percent:
        sign = "٪" if language == "ar" else "%"
        return f"{number(value * 100)}{sign}"
    units = _UNITS.get(subject.unit or "")
    if units is None:
        return number(value)
    return f"{number(value)} {units[0] if language == 'ar' else units[1]}"


def zone_prefix(zone: str | None) -> tuple[str, str]:
    """Return the Arabic and English lead-in naming the zone whose rule applies."""
    if zone is None:
        return "", ""
    return f"منطقة {latin(zone)}: ", f"Zone {zone}: "


def compare(
    rule: str,
    zone: str | None,
    measured: float,
    limit: float,
    *,
    bound: Bound,
    subject: Subject,
    tolerance: float = _TOLERANCE,
) -> RuleResult:
    """Judge `measured` against a maximum or minimum `limit` and explain it in both languages.

    `tolerance` is added in the applicant's favour, so a value at the limit passes.
    """
    if bound == "max":
        ok = measured <= limit + tolerance
    else:
        ok = measured >= limit - tolerance
    ar_zone, en_zone = zone_prefix(zone)
    got_ar, lim_ar = quantity(measured, subject, "ar"), quantity(limit, subject, "ar")
    got_en, lim_en = quantity(measured, subject, "en"), quantity(limit, subject, "en")
    if bound == "max":
        ar_tail = "ولا يتجاوز ذلك الحد الأقصى" if ok else "وذلك يتجاوز الحد الأقصى"
        en_tail = "within the maximum of" if ok else "above the maximum of"
    else:
        ar_tail = "ولا يقل ذلك عن الحد الأدنى" if ok else "وذلك أقل من الحد الأدنى"
        en_tail = "at least the minimum of" if ok else "below the minimum of"
    explanation = Explanation(
        ar=f"{ar_zone}{subject.ar} {got_ar}، {ar_tail} البالغ {lim_ar}.",
        en=_capitalised(f"{en_zone}{subject.en} is {got_en}, {en_tail} {lim_en}."),
    )
    status: RuleStatus = "pass" if ok else "fail"
    return RuleResult(
        rule, status, _rounded(measured), _rounded(limit), subject.unit, explanation, zone=zone
    )


def unmeasured(
    rule: str,
    zone: str | None,
    limit: Limit,
    unit: str | None,
    *,
    status: RuleStatus,
    reason: Explanation,
) -> RuleResult:
    """Build a result with no measured value (not applicable, or for review) and its reason."""
    ar_zone, en_zone = zone_prefix(zone)
    explanation = Explanation(ar=f"{ar_zone}{reason.ar}", en=_capitalised(en_zone + reason.en))
    return RuleResult(rule, status, None, limit, unit, explanation, zone=zone)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rounded(value: float) -> float:
    return round(value, 4)
