"""Ages and age categories: derived from a birth date, bounds configurable per centre.

Data-level helpers (no business rule beyond the derivation), so that ``Client.age_category``
needs nothing from the service layer.
"""
from datetime import date

from flask import current_app, has_app_context

MINOR_AGE = 18
# (category, upper bound exclusive); the last one has no bound. ``AGE_CATEGORY_BOUNDS`` in the
# app config overrides it with the same shape.
AGE_CATEGORY_BOUNDS = (("child", 13), ("teen", 18), ("adult", 65), ("senior", None))


def age_category_bounds():
    if has_app_context():
        return current_app.config.get("AGE_CATEGORY_BOUNDS") or AGE_CATEGORY_BOUNDS
    return AGE_CATEGORY_BOUNDS


def age_category(age, bounds=None):
    """The age category ("child", "teen", "adult", "senior") of an age in whole years; None if
    the age is unknown. Bounds are exclusive upper limits, configurable per centre."""
    if age is None:
        return None
    for name, upper in bounds or age_category_bounds():
        if upper is None or age < upper:
            return name
    return None


def age_on(birth_date, on=None):
    """Age in whole years on ``on`` (today by default); None without a birth date."""
    if birth_date is None:
        return None
    on = on or date.today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
