"""The shop's calendar: how likely a purchase is on each day of the seed period.

Builds day-weight profiles over SEED_START..SEED_END and a sampler that picks a day from
any window of that period with those weights. This is where the seasonality of the order
history comes from:

* "general"    - everyday shopping: a quiet January (and dead New Year holidays), a rush
                 from 20 February to 7 March (8 March gifts, plus Valentine's week), a long
                 December peak from the 10th, a small Black Friday bump in late November;
* "engagement" - proposals: New Year's Eve, Valentine's Day and the early summer;
* "wedding"    - wedding bands: the June-September wedding season, thin otherwise.

Leaves out weekdays, public-holiday shifts and the weather: months and dates only.
"""

import bisect
import datetime as dt

SEED_START = dt.date(2024, 11, 1)
SEED_END = dt.date(2026, 10, 31)

GENERAL_MONTHS = {1: 0.55, 2: 0.85, 3: 0.9, 4: 0.85, 5: 0.95, 6: 1.0, 7: 0.95, 8: 0.95,
                  9: 1.0, 10: 0.95, 11: 1.0, 12: 1.4}
ENGAGEMENT_MONTHS = {1: 0.6, 2: 1.3, 3: 0.8, 4: 0.9, 5: 1.1, 6: 1.3, 7: 1.2, 8: 1.1,
                     9: 0.9, 10: 0.7, 11: 0.8, 12: 1.6}
WEDDING_MONTHS = {1: 0.3, 2: 0.3, 3: 0.4, 4: 0.6, 5: 1.2, 6: 3.0, 7: 3.2, 8: 3.2,
                  9: 3.0, 10: 1.2, 11: 0.4, 12: 0.5}


def is_march_8_rush(day: dt.date) -> bool:
    """20 February .. 7 March: the week or two when 8 March gifts are bought."""
    return (day.month == 2 and day.day >= 20) or (day.month == 3 and day.day <= 7)


def is_new_year_rush(day: dt.date) -> bool:
    """10 .. 31 December."""
    return day.month == 12 and day.day >= 10


def day_weight(profile: str, day: dt.date) -> float:
    """Relative chance of a purchase of this profile on `day`."""
    if profile == "wedding":
        return WEDDING_MONTHS[day.month]
    if profile == "engagement":
        weight = ENGAGEMENT_MONTHS[day.month]
        if (day.month, day.day) in ((2, 13), (2, 14), (12, 30), (12, 31)):
            weight *= 3.0
        return weight
    weight = GENERAL_MONTHS[day.month]
    if is_march_8_rush(day):
        weight *= 2.8
    elif day.month == 2 and 10 <= day.day <= 14:
        weight *= 1.5
    elif is_new_year_rush(day):
        weight *= 2.0
    elif day.month == 1 and day.day <= 10:
        weight *= 0.5
    elif day.month == 11 and day.day >= 24:
        weight *= 1.4
    return weight


class Calendar:
    """Picks days of the seed period with a profile's weights (cumulative sums + bisect)."""

    def __init__(self):
        count = (SEED_END - SEED_START).days + 1
        self.days = [SEED_START + dt.timedelta(days=i) for i in range(count)]
        self.cumulative = {}
        for profile in ("general", "engagement", "wedding"):
            total, sums = 0.0, []
            for day in self.days:
                total += day_weight(profile, day)
                sums.append(total)
            self.cumulative[profile] = sums

    def pick(self, rng, profile: str, start: dt.date, end: dt.date) -> dt.date | None:
        """A day in [start, end] (clipped to the seed period), or None if the window is empty."""
        first = max(0, (start - SEED_START).days)
        last = min(len(self.days) - 1, (end - SEED_START).days)
        if first > last:
            return None
        sums = self.cumulative[profile]
        low = sums[first - 1] if first else 0.0
        point = rng.uniform(low, sums[last])
        index = min(max(bisect.bisect_left(sums, point, first, last + 1), first), last)
        return self.days[index]
