"""Calendar and time conventions, one place for every chapter.

A year is the Julian year (365.25 days, the mean over the leap-year cycle), so that a rate per year
and a duration in months convert the same way in every chapter; a month is a twelfth of it.
"""

DAYS_PER_YEAR = 365.25
MONTHS_PER_YEAR = 12
DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR
HOURS_PER_YEAR = DAYS_PER_YEAR * 24
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
MINUTES_PER_DAY = 24 * 60

#: How many of each period fit in a month / a year (token volumes are stated per minute, day, ...).
PER_MONTH = {"minute": MINUTES_PER_DAY * DAYS_PER_MONTH, "day": DAYS_PER_MONTH, "week": DAYS_PER_MONTH / 7,
             "month": 1.0, "year": 1 / MONTHS_PER_YEAR}
PER_YEAR = {k: v * MONTHS_PER_YEAR for k, v in PER_MONTH.items()}
