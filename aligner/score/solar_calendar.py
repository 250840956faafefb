"""The Solar Hijri calendar Persian news dates by, to Gregorian, the calendar its English says.

«۱۵ مهر ۱۴۰۲» is 7 October 2023: a translation gives the Gregorian date, so the numbers of the
two sides differ though the date is the same. Year 1 Farvardin falls on the March equinox; the
years between 1300 and 1499 are leap years (Esfand of 30 days) by the 33-year rule, which the
official calendar follows in that span, and 1 Farvardin 1400 was 21 March 2021.
"""

from __future__ import annotations

import datetime
from typing import Optional

# The months, Farvardin first, as Persian writes them; the first six have 31 days, the next five
# 30, Esfand 29 (30 in a leap year).
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
FIRST_YEAR, LAST_YEAR = 1300, 1499
_LEAP_IN_CYCLE = (1, 5, 9, 13, 17, 22, 26, 30)
_NOWRUZ_1400 = datetime.date(2021, 3, 21)


def is_leap(year: int) -> bool:
    return year % 33 in _LEAP_IN_CYCLE


def month_days(year: int, month: int) -> int:
    return 31 if month <= 6 else 30 if month <= 11 or is_leap(year) else 29


def nowruz(year: int) -> datetime.date:
    """The Gregorian date of 1 Farvardin of ``year``."""
    days = sum(366 if is_leap(y) else 365 for y in range(1400, year)) - \
        sum(366 if is_leap(y) else 365 for y in range(year, 1400))
    return _NOWRUZ_1400 + datetime.timedelta(days=days)


def to_gregorian(year: int, month: int, day: int) -> Optional[datetime.date]:
    """The Gregorian date of a Solar Hijri one, None outside FIRST_YEAR..LAST_YEAR or for a day
    the month does not have."""
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12 and 1 <= day <= month_days(year, month)):
        return None
    before = sum(month_days(year, m) for m in range(1, month))
    return nowruz(year) + datetime.timedelta(days=before + day - 1)


def gregorian_years(year: int) -> tuple:
    """The two Gregorian years a Solar Hijri year spans (1402: March 2023 to March 2024)."""
    return year + 621, year + 622
