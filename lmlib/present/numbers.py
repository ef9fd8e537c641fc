"""Numbers into strings: the one number formatter of every table, sentence, figure and command.

One rounding rule: half away from zero at the displayed precision, as SPSS and the source
paper print (6.25 -> "6.3", 9.25 -> "9.3", 30.45 -> "30.5", -2.5 -> "-3"), done in decimal
arithmetic on the shortest repr of the float (2.675 -> "2.68", not the binary artefact "2.67").
Percentages of counts are computed exactly from n and the denominator before rounding.

Language: ``en`` prints "53.1%"; ``tr`` prints the Turkish "%53.1" (sign first). The decimal
mark is a separate choice (``mark``, the report setting ``DECIMAL_MARK``): "." by default, as
the paper prints in both languages, or "," for a journal that asks for a decimal comma
("%53,1", "0,048"). p-values print "0.048", and "< 0.001" below the displayed precision,
never "0.000". A value that cannot be computed prints "—".

:class:`Style` bundles the language, the decimals and the decimal mark that a report uses,
so presentation code passes one object around. Nothing here imports pandas or numpy.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
import math

DASH = "–"  # en dash: ranges and intervals
MISSING = "—"  # em dash: a value that cannot be computed
DECIMAL_MARKS = (".", ",")


# ------------------------------------------------------------------------------ rounding

def is_missing(x) -> bool:
    """True for None, NaN (float or numpy), pandas NA and NaT."""
    if x is None or type(x).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return math.isnan(x)
    except TypeError:
        return False


def _decimal(x) -> Decimal:
    """A number as the Decimal of its shortest repr (2.675 -> Decimal("2.675"), not 2.67499...)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int) and not isinstance(x, bool):
        return Decimal(x)
    if hasattr(x, "item") and not isinstance(x, float):  # numpy scalars
        x = x.item()
        if isinstance(x, int) and not isinstance(x, bool):
            return Decimal(x)
    return Decimal(repr(float(x)))


def _quantize(x, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return _decimal(x).quantize(Decimal(1).scaleb(-int(decimals)), rounding=rounding)


def round_decimal(x, decimals: int) -> Decimal:
    """``x`` rounded half away from zero at ``decimals``, as an exact Decimal."""
    return _quantize(x, decimals)


def truncate_decimal(x, decimals: int) -> Decimal:
    """``x`` cut (not rounded) at ``decimals``, as an exact Decimal: 11.2956 -> 11.2."""
    return _quantize(x, decimals, ROUND_DOWN)


def round_half_away(x, decimals: int = 1) -> float:
    """Round half away from zero at ``decimals`` (0.125 -> 0.13 at 2; 6.25 -> 6.3; -2.5 -> -3).

    Decimal arithmetic on ``repr(x)`` (ROUND_HALF_UP in :mod:`decimal` is half away from zero),
    so 2.675, stored as 2.67499999..., rounds to 2.68 as printed. NaN stays NaN.
    """
    if is_missing(x):
        return math.nan
    return float(_quantize(x, decimals))


def check_mark(mark: str) -> str:
    """The decimal mark, checked: "." or ","."""
    if mark not in DECIMAL_MARKS:
        raise ValueError(f"decimal mark must be '.' or ',', not {mark!r}")
    return mark


def _text(q: Decimal, mark: str) -> str:
    text = f"{abs(q) if q == 0 else q:f}"  # no "-0.0"
    return text if mark == "." else text.replace(".", check_mark(mark))


# ------------------------------------------------------------------------------ numbers

def fmt_number(x, decimals: int = 1, mark: str = ".") -> str:
    """``x`` rounded half away from zero with exactly ``decimals`` decimals; "—" for NaN."""
    if is_missing(x):
        return MISSING
    return _text(_quantize(x, decimals), mark)


def fmt_count(n, mark: str = ".") -> str:
    """A count: whole numbers in full ("1000000", never "1e+06"); a weighted (non-integer)
    count with up to 12 significant digits; "" for NaN."""
    if is_missing(n):
        return ""
    value = float(n)
    if value.is_integer():
        return str(int(value))
    text = format(value, ".12g")
    return text if mark == "." else text.replace(".", check_mark(mark))


def fmt_range(low, high, decimals: int = 0, mark: str = ".") -> str:
    """"29–75": two numbers joined by an en dash, each rounded half away from zero."""
    return f"{fmt_number(low, decimals, mark)}{DASH}{fmt_number(high, decimals, mark)}"


def fmt_ci(low, high, decimals: int = 1, mark: str = ".") -> str:
    """An interval "36.4–69.1"; "" when a limit is NaN."""
    return "" if is_missing(low) or is_missing(high) else fmt_range(low, high, decimals, mark)


def fmt_mean_sd(mean, sd, minimum, maximum, decimals: int = 1, range_decimals: int | None = None,
                mark: str = ".") -> str:
    """"55.4 ± 12.0 (29–75)": mean ± SD (a standard deviation, never a standard error) with
    ``decimals``, the range with ``range_decimals`` (default ``decimals``; 0 for whole numbers)."""
    rd = decimals if range_decimals is None else range_decimals
    return (f"{fmt_number(mean, decimals, mark)} ± {fmt_number(sd, decimals, mark)} "
            f"({fmt_range(minimum, maximum, rd, mark)})")


def fmt_median_iqr(median, q1, q3, decimals: int = 1, mark: str = ".") -> str:
    """"55.0 [50.3–63.0]": median [first quartile – third quartile]."""
    return f"{fmt_number(median, decimals, mark)} [{fmt_range(q1, q3, decimals, mark)}]"


# ------------------------------------------------------------------------------ percentages

def _check_lang(lang: str) -> None:
    if lang not in ("en", "tr"):
        raise ValueError(f"language must be one of ('en', 'tr'), not {lang!r}")


def _percent_text(value: Decimal, decimals: int, lang: str, trim: bool, mark: str) -> str:
    _check_lang(lang)
    number = f"{value.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP):f}"
    if trim and "." in number:
        number = number.rstrip("0").rstrip(".")
    number = number if mark == "." else number.replace(".", check_mark(mark))
    return f"%{number}" if lang == "tr" else f"{number}%"


def fmt_percent(p, decimals: int = 1, lang: str = "en", trim: bool = False, mark: str = ".") -> str:
    """A percentage (0-100): "53.1%" (en) or "%53.1" (tr); ``trim`` drops trailing zeros
    ("25%", as the paper prints). "—" for NaN."""
    if is_missing(p):
        return MISSING
    return _percent_text(_decimal(p), decimals, lang, trim, mark)


def exact_percent(n, denominator) -> Decimal:
    """100 * n / denominator in exact decimal arithmetic (no binary rounding before display)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return _decimal(n) * 100 / _decimal(denominator)


def fmt_n_percent(n, denominator, decimals: int = 1, lang: str = "en", *, show_denominator: bool = False,
                  trim: bool = False, mark: str = ".") -> str:
    """"17 (53.1%)" / "17 (%53.1)"; with ``show_denominator`` "26/26 (100.0%)". The percentage
    is computed exactly from n and the denominator, then rounded half away from zero."""
    if is_missing(n):
        return MISSING
    count = fmt_count(n, mark)
    if show_denominator and not is_missing(denominator):
        count = f"{count}/{fmt_count(denominator, mark)}"
    if is_missing(denominator) or float(denominator) == 0:
        return count
    return f"{count} ({_percent_text(exact_percent(n, denominator), decimals, lang, trim, mark)})"


# ------------------------------------------------------------------------------ p-values

def fmt_p(p, decimals: int = 3, mark: str = ".") -> str:
    """A p-value: "0.048"; "< 0.001" below the displayed precision (never "0.000"); "—" for NaN."""
    if is_missing(p):
        return MISSING
    floor = Decimal(1).scaleb(-int(decimals))
    if _decimal(p) < floor:
        return f"< {_text(floor, mark)}"
    return fmt_number(p, decimals, mark)


def p_text(p, decimals: int = 3, mark: str = ".") -> str:
    """A p-value in a sentence: "p = 0.048" or "p < 0.001"; "p = —" when not computable."""
    shown = fmt_p(p, decimals, mark)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


# ------------------------------------------------------------------------------ dates

def fmt_month(date, lang: str = "en") -> str:
    """The month of a date, "December 2018" (en) or "Aralık 2018" (tr): how a shared report
    shows the data cut-off (never a full date). ``date``: a date, a datetime (a pandas
    Timestamp too) or "yyyy-mm-dd" text; "" for None or empty."""
    if date is None or (isinstance(date, str) and not date.strip()) or is_missing(date):
        return ""
    _check_lang(lang)
    from .catalog import text

    day = date if isinstance(date, (dt.date, dt.datetime)) else dt.date.fromisoformat(str(date).strip()[:10])
    return f"{text(f'month.{day.month}', lang)} {day.year}"


# ------------------------------------------------------------------------------ style

@dataclass(frozen=True)
class Style:
    """How a report prints: language, decimals and decimal mark (and the small-cell rule).

    One object is passed through the presentation code, so a language or a journal's style is
    a setting, never a code path (gtsummary's themes). The methods are the functions above
    with these settings filled in.

    Examples
    --------
    >>> from lmlib.present import Style
    >>> Style().n_percent(17, 32), Style("tr").n_percent(17, 32), Style(decimal_mark=",").p(0.0481)
    ('17 (53.1%)', '17 (%53.1)', '0,048')
    >>> Style().p(0.0004), Style("tr").text("word.yes"), Style(suppress_below=5).count(3)
    ('< 0.001', 'Var', '<5')
    """

    lang: str = "en"
    decimals: int = 1
    decimal_mark: str = "."
    suppress_below: int = 0

    def __post_init__(self):
        _check_lang(self.lang)
        check_mark(self.decimal_mark)

    def but(self, **changes) -> "Style":
        """A copy with some settings changed: ``style.but(lang="tr")``."""
        return replace(self, **changes)

    def text(self, key: str, **values) -> str:
        """The catalog's text for ``key`` in this language (:func:`lmlib.present.catalog.text`)."""
        from .catalog import text

        return text(key, self.lang, **values)

    def number(self, x, decimals: int | None = None) -> str:
        return fmt_number(x, self.decimals if decimals is None else decimals, self.decimal_mark)

    def count(self, n) -> str:
        """A count, "<k" from 1 to k − 1 when the small-cell rule is on."""
        k = int(self.suppress_below or 0)
        if k >= 2 and not is_missing(n) and 1 <= float(n) < k:
            return f"<{k}"
        return fmt_count(n, self.decimal_mark)

    def percent(self, p, decimals: int | None = None, trim: bool = False) -> str:
        return fmt_percent(p, self.decimals if decimals is None else decimals, self.lang, trim, self.decimal_mark)

    def n_percent(self, n, denominator, *, show_denominator: bool = False, trim: bool = False) -> str:
        return fmt_n_percent(n, denominator, self.decimals, self.lang, show_denominator=show_denominator,
                             trim=trim, mark=self.decimal_mark)

    def range(self, low, high, decimals: int | None = None) -> str:
        return fmt_range(low, high, self.decimals if decimals is None else decimals, self.decimal_mark)

    def ci(self, low, high, decimals: int | None = None) -> str:
        return fmt_ci(low, high, self.decimals if decimals is None else decimals, self.decimal_mark)

    def p(self, p, decimals: int = 3) -> str:
        return fmt_p(p, decimals, self.decimal_mark)

    def p_text(self, p, decimals: int = 3) -> str:
        return p_text(p, decimals, self.decimal_mark)

    def month(self, date) -> str:
        return fmt_month(date, self.lang)
