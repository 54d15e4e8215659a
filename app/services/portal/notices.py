"""Notices to clients about their bookings, in the client's language, by their channel.

Rule: a promoted client is told once per booking (the message key names the booking and its
version), by email when the card (or a minor's guardian) has an email, else by SMS; the text
is in the client's message language (the guardian's for a minor), else the centre's default.
"""
from flask import current_app
from flask_babel import force_locale, format_datetime, gettext

from app.extensions import db


def promotion_notices(bookings):
    """Queue the "you got a place" notices of promoted bookings; returns the message ids
    to deliver (committed)."""
    from app.services.clients import message_language, message_recipients
    from app.services.communication import queue_direct_message

    ids = []
    for booking in bookings:
        client, lesson = booking.client, booking.lesson
        language = message_language(client) or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
        with force_locale(language):
            subject = gettext("A place is yours")
            body = gettext("%(name)s has a place in %(lesson)s on %(when)s (from the waitlist).",
                           name=client.full_name, lesson=lesson.service.name,
                           when=format_datetime(lesson.starts_at, format="short"))
        for recipient in message_recipients(client):
            channel, address = ("email", recipient.email) if recipient.email \
                else ("sms", recipient.phone)
            ids.extend(queue_direct_message(
                channel, address, subject, body,
                f"portal.promoted.b{booking.id}.v{booking.version}.{channel}.{address}",
                client_id=client.id, kind="portal_promoted", recipient_name=recipient.name))
    db.session.commit()
    return ids
