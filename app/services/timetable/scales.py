"""Mark scales: each service says on which scale its learning results are marked.

Rules:
- a scale is one of three kinds: ``text`` (free text, the default: any mark of at most 20
  characters, no normalised value), ``range`` (a number from ``mark_min`` to ``mark_max`` by
  ``mark_step``: 1–5 by 1, 1–10 by 1, 0–100 by 5…) or ``labels`` (an ordered list of labels, one
  per line, LOWEST first: "F / E / D / C / B / A", "not yet / developing / secure / excellent",
  "fail / pass");
- a range needs min < max, a step > 0 that divides max − min, at most 1000 values; labels need
  2 to 20 distinct labels of at most 20 characters each;
- a mark on a range is a number on it ("4", "4.5", "4,5"), stored as written canonically
  ("4", "4.5"); a mark on labels is one of the labels (any letter case), stored as the scale
  spells it; anything else is refused naming the allowed values;
- each mark carries its normalised value 0..1 — its position on the scale: (mark − min) /
  (max − min) on a range, index / (count − 1) on labels, none on free text — so progress can be
  compared across scales;
- changing a service's scale re-normalises its recorded marks: a mark not on the new scale keeps
  its text and loses its value.
"""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.timetable import Lesson, LessonResult
from app.services.platform import DomainError

SCALE_TEXT, SCALE_RANGE, SCALE_LABELS = "text", "range", "labels"
SCALE_KINDS = (SCALE_TEXT, SCALE_RANGE, SCALE_LABELS)
MAX_VALUES = 1000
MAX_LABELS = 20
LABEL_LENGTH = 20
VALUE_PLACES = Decimal("0.0001")
BOUND_LIMIT = Decimal("999999")


def scale_labels(service):
    """The service's labels, lowest first (an empty list unless it has a label scale)."""
    if getattr(service, "mark_scale", None) != SCALE_LABELS:
        return []
    return [line.strip() for line in (service.mark_labels or "").splitlines() if line.strip()]


def _plain(number):
    """A Decimal written without needless zeros: 4.00 → "4", 4.50 → "4.5"."""
    text = format(Decimal(number).normalize(), "f")
    return text


def range_values(service):
    """Every mark of a range scale, lowest first (for the results page's choices)."""
    low, high, step = service.mark_min, service.mark_max, service.mark_step
    count = int((high - low) / step)
    return [_plain(low + step * i) for i in range(count + 1)]


def validate_scale(service):
    """Check and tidy a service's scale before it is saved (see the module's rules); refusals
    name the field."""
    kind = service.mark_scale or SCALE_TEXT
    if kind not in SCALE_KINDS:
        raise DomainError(_l("Choose a kind of mark scale."), field="mark_scale")
    service.mark_scale = kind
    if kind == SCALE_RANGE:
        low, high, step = service.mark_min, service.mark_max, service.mark_step
        if low is None:
            raise DomainError(_l("A range scale needs its lowest mark."), field="mark_min")
        if high is None:
            raise DomainError(_l("A range scale needs its highest mark."), field="mark_max")
        if step is None:
            step = service.mark_step = Decimal(1)
        low, high, step = Decimal(low), Decimal(high), Decimal(step)
        if abs(low) > BOUND_LIMIT or abs(high) > BOUND_LIMIT:
            raise DomainError(_l("The marks must lie between -999999 and 999999."),
                              field="mark_max")
        if high <= low:
            raise DomainError(_l("The highest mark must be above the lowest."), field="mark_max")
        if step <= 0:
            raise DomainError(_l("The step must be above zero."), field="mark_step")
        if (high - low) % step != 0:
            raise DomainError(_l("The step must divide the range from the lowest to the highest "
                                 "mark."), field="mark_step")
        if (high - low) / step + 1 > MAX_VALUES:
            raise DomainError(_l("A scale has at most %(count)s marks.", count=MAX_VALUES),
                              field="mark_step")
        service.mark_labels = None
    elif kind == SCALE_LABELS:
        labels = [line.strip() for line in (service.mark_labels or "").splitlines()
                  if line.strip()]
        if len(labels) < 2:
            raise DomainError(_l("A label scale needs at least two labels, one per line."),
                              field="mark_labels")
        if len(labels) > MAX_LABELS:
            raise DomainError(_l("A scale has at most %(count)s marks.", count=MAX_LABELS),
                              field="mark_labels")
        if any(len(label) > LABEL_LENGTH for label in labels):
            raise DomainError(_l("At most %(count)s characters.", count=LABEL_LENGTH),
                              field="mark_labels")
        if len({label.casefold() for label in labels}) < len(labels):
            raise DomainError(_l("Each label may appear only once."), field="mark_labels")
        service.mark_labels = "\n".join(labels)
        service.mark_min = service.mark_max = service.mark_step = None
    else:
        service.mark_min = service.mark_max = service.mark_step = service.mark_labels = None


def allowed_marks(service):
    """The allowed marks in words, for a refusal: "1–5 (step 1)" or "F, E, D, C, B, A"."""
    if service.mark_scale == SCALE_RANGE:
        return str(_l("%(low)s–%(high)s (step %(step)s)", low=_plain(service.mark_min),
                      high=_plain(service.mark_max), step=_plain(service.mark_step)))
    if service.mark_scale == SCALE_LABELS:
        return ", ".join(scale_labels(service))
    return ""


def place_mark(service, mark):
    """``(mark as stored, normalised value or None)`` of a mark on the service's scale, or None
    when the mark is not on it (the caller names the participant)."""
    if mark is None:
        return None, None
    kind = getattr(service, "mark_scale", None) or SCALE_TEXT
    if kind == SCALE_RANGE:
        try:
            number = Decimal(str(mark).strip().replace(",", "."))
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
        low, high, step = service.mark_min, service.mark_max, service.mark_step
        if not low <= number <= high or (number - low) % step != 0:
            return None
        value = ((number - low) / (high - low)).quantize(VALUE_PLACES)
        return _plain(number), value
    if kind == SCALE_LABELS:
        labels = scale_labels(service)
        wanted = str(mark).strip().casefold()
        for index, label in enumerate(labels):
            if label.casefold() == wanted:
                return label, (Decimal(index) / (len(labels) - 1)).quantize(VALUE_PLACES)
        return None
    return mark, None


def renormalise_results(service):
    """Recompute the normalised values of a service's recorded marks after its scale changed
    (a mark not on the new scale keeps its text, its value becomes empty); returns how many
    changed. One query to read, the writes flushed together."""
    if service.id is None:
        return 0
    rows = db.session.execute(
        select(LessonResult).join(Lesson, Lesson.id == LessonResult.lesson_id)
        .where(Lesson.service_id == service.id, LessonResult.mark.is_not(None))).scalars()
    changed = 0
    for row in rows:
        placed = place_mark(service, row.mark)
        value = placed[1] if placed else None
        if row.mark_value != value:
            row.mark_value = value
            changed += 1
    return changed
