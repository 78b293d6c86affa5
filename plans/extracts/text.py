"""Words of the page in Arabic and English, dates (Gregorian and Umm al-Qura Hijri) and fonts.

Arabic is shaped by matplotlib itself (>= 3.11, built with libraqm): strings stay in logical
order and are never pre-reshaped. Latin runs inside an Arabic line (references, ISO dates) are
wrapped in Unicode isolates so the bidi algorithm does not reorder them.
"""

import datetime as dt
from typing import Literal

from hijridate import Gregorian

from plans.extracts.errors import ShapingUnavailableError
from plans.extracts.options import Digits, Lang

ARABIC_FONTS: tuple[str, ...] = ("Noto Naskh Arabic", "DejaVu Sans")
"""Font list for Arabic text: an Arabic face first, a Latin fallback second."""
LATIN_FONTS: tuple[str, ...] = ("DejaVu Sans", "Noto Naskh Arabic")
"""Font list for Latin text (with an Arabic fallback for names)."""

_LRI, _PDI = "\u2066", "\u2069"
_ARABIC_INDIC = str.maketrans(
    "0123456789.,", "".join(chr(code) for code in (*range(0x0660, 0x066A), 0x066B, 0x066C))
)
"""Latin digits, decimal point and thousands comma to the Arabic-Indic ones (U+0660-U+066C)."""

LABELS: dict[str, tuple[str, str]] = {
    "title": ("مخطط تنظيمي — بيان", "Zoning plan extract"),
    "municipality": ("البلدية", "Municipality"),
    "parcel": ("رقم القطعة", "Parcel"),
    "area": ("المساحة", "Area"),
    "zones": ("المناطق", "Zones"),
    "plan": ("رقم المخطط", "Plan"),
    "version": ("الإصدار", "Version"),
    "effective": ("تاريخ النفاذ", "Effective from"),
    "scale": ("مقياس الرسم", "Scale"),
    "issued": ("تاريخ الإصدار", "Issued"),
    "hijri": ("التاريخ الهجري", "Hijri date"),
    "reference": ("الرقم المرجعي", "Reference"),
    "crs": ("نظام الإحداثيات", "Coordinates"),
    "legend": ("مفتاح الخريطة", "Legend"),
    "verify": ("امسح للتحقق", "Scan to verify"),
    "extent": ("منطقة البيان", "Area shown"),
    "north": ("ش", "N"),
    "grid_north": ("شمال الشبكة", "grid north"),
    "none": ("لا توجد", "none"),
    "metres": ("م", "m"),
    "register": (
        "يحفظ السجل بصمة الملف (SHA-256) تحت الرقم المرجعي؛ امسح الرمز أو ارفع الملف للتحقق",
        "The register holds this file's SHA-256 under the reference; scan or upload to verify",
    ),
    "content": ("بصمة البيانات", "Content SHA-256"),
    "rules": ("الاشتراطات المطبقة على القطعة", "Rules that apply to the parcel"),
    "coverage": ("نسبة البناء", "Coverage"),
    "far": ("معامل البناء", "Floor-area ratio"),
    "floors": ("عدد الأدوار", "Floors"),
    "height": ("الارتفاع", "Height"),
    "plot_area": ("أقل مساحة", "Min plot area"),
    "frontage": ("أقل واجهة", "Min frontage"),
    "setbacks": ("الارتدادات أمامي/جانبي/خلفي", "Setbacks front/side/rear"),
    "uses": ("الاستعمالات", "Permitted uses"),
    "check": ("نتيجة فحص الترخيص", "Permit check"),
    "check_reference": ("رقم الفحص", "Check reference"),
    "no_rules": ("لا توجد اشتراطات مسجلة", "no rules on record"),
}


def require_shaping() -> str:
    """Return matplotlib's libraqm version, or raise when Arabic cannot be shaped.

    Raises
    ------
    ShapingUnavailableError
        When matplotlib is older than 3.11 or was built without libraqm.
    """
    from matplotlib import ft2font  # noqa: PLC0415 - imported late: matplotlib is heavy

    version = getattr(ft2font, "__libraqm_version__", None)
    if not version:
        raise ShapingUnavailableError(
            "matplotlib has no libraqm (matplotlib.ft2font.__libraqm_version__ is missing): "
            "Arabic would print unjoined; install matplotlib >= 3.11 built with libraqm"
        )
    return str(version)


def isolate(text: str) -> str:
    """Wrap a left-to-right run (a reference, an ISO date) so an Arabic line keeps it intact.

    Examples
    --------
    >>> isolate("2025-10-23").startswith(chr(0x2066))
    True
    """
    return f"{_LRI}{text}{_PDI}"


def to_digits(text: str, digits: Digits) -> str:
    """Return `text` with its digits (and decimal and thousands marks) in the `digits` style.

    Examples
    --------
    >>> [hex(ord(char)) for char in to_digits("1,2.5", "arabic")]
    ['0x661', '0x66c', '0x662', '0x66b', '0x665']
    >>> to_digits("75 %", "latin")
    '75 %'
    """
    return text.translate(_ARABIC_INDIC) if digits == "arabic" else text


def arabic_date(day: dt.date, digits: Digits) -> str:
    """Return `day` as year, month, day for an Arabic line, isolated so bidi keeps its order.

    With Arabic-Indic digits the parts are joined by "/" rather than "-": bidi treats a hyphen
    between Arabic-Indic numbers as right-to-left and shows the parts reversed, while a slash
    (a common separator) joins them into one number read in order, as Arabic dates are written.

    Examples
    --------
    >>> arabic_date(dt.date(2025, 10, 23), "latin") == isolate("2025-10-23")
    True
    >>> arabic_date(dt.date(2025, 10, 23), "arabic") == isolate(to_digits("2025/10/23", "arabic"))
    True
    """
    if digits == "arabic":
        return isolate(to_digits(day.strftime("%Y/%m/%d"), digits))
    return isolate(day.isoformat())


def label(key: str, lang: Lang) -> tuple[str, ...]:
    """Return the label `key` in `lang`: one string, or Arabic then English for ``ar+en``.

    Examples
    --------
    >>> label("parcel", "en")
    ('Parcel',)
    >>> label("parcel", "ar+en")
    ('رقم القطعة', 'Parcel')
    """
    arabic, english = LABELS[key]
    return (arabic,) if lang == "ar" else (english,) if lang == "en" else (arabic, english)


def hijri_date(day: dt.date, *, arabic: bool) -> str:
    """Return `day` in the Umm al-Qura calendar, e.g. ``1 جمادى الأولى 1447 هـ``.

    Dates outside the calendar's tables (before 1343 AH or after 1500 AH) give an empty string.

    Examples
    --------
    >>> hijri_date(dt.date(2025, 10, 23), arabic=False)
    '1 Jumada al-Ula 1447 AH'
    """
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return ""
    language: Literal["ar", "en"] = "ar" if arabic else "en"
    return f"{hijri.day} {hijri.month_name(language)} {hijri.year} {hijri.notation(language)}"


def gregorian_date(day: dt.date) -> str:
    """Return `day` as an ISO date."""
    return day.isoformat()


def font_for(text: str) -> list[str]:
    """Return the font list for `text`: the Arabic list when it holds any Arabic letter."""
    return list(ARABIC_FONTS if has_arabic(text) else LATIN_FONTS)


def has_arabic(text: str) -> bool:
    """Return True when `text` holds a character of the Arabic blocks."""
    return any("\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff" for char in text)
