"""The timetable grid's lesson cards as HTML.

A busy centre's day grid shows 900 lessons. Rendered by Jinja each card cost about twenty
attribute lookups (a failed attribute read, then a key read, on every dict) and fifteen escapes:
the cards were almost half of the page's time. Here each card is one ``str.format`` of the fragment
below, the lesson's own text escaped — the same HTML the template wrote, a third of the cost.
"""
from markupsafe import Markup, escape

CARD = (
    '<a class="tt-lesson tt-{status}{red}" data-lesson-id="{id}" '
    'style="grid-row: {row}; grid-column: {column} / span {span};" href="{href}" '
    'title="{times} {service}"><span class="tt-time">{times}</span>'
    '<strong class="tt-service">{service}</strong><span class="tt-group">{who}</span>'
    '<span class="tt-instructor">{instructor}</span>'
    '<span class="tt-filled">{filled}/{capacity}</span>{status_label}</a>\n')

ANY_LESSON = 987654321  # a key no lesson has, replaced by each card's id in one built address


def _hhmm(moment):
    return "%02d:%02d" % (moment.hour, moment.minute)


def lesson_cards(cards, lesson_url, with_room, status_labels):
    """The HTML of the grid's ``cards`` (``grid.lesson_card`` dicts placed on the grid):
    ``lesson_url`` is the attendance page's address for ``ANY_LESSON`` (one ``url_for`` for
    all the cards), ``with_room`` adds the room after the instructor (a week of one instructor
    or group), ``status_labels`` maps a status to its translated label (held, cancelled)."""
    html, any_lesson = [], str(ANY_LESSON)
    for card in cards:
        status, room = card["status"], card["room"]
        label = status_labels.get(status)
        instructor = escape(card["instructor"] or "")
        html.append(CARD.format(
            status=escape(status), red=" tt-red" if card["red"] else "", id=card["id"],
            row=card["row"] + 2, column=card["slot"] + 2, span=card["span"],
            href=lesson_url.replace(any_lesson, str(card["id"])),
            times=f"{_hhmm(card['starts_at'])}–{_hhmm(card['ends_at'])}",
            service=escape(card["service"]), who=escape(card["group"] or card["client"] or ""),
            instructor=f"{instructor} · {escape(room)}" if with_room and room else instructor,
            filled=card["filled"],
            capacity=card["capacity"] if card["capacity"] is not None else "–",
            status_label=f'<span class="tt-status">{escape(label)}</span>' if label else ""))
    return Markup("".join(html))
