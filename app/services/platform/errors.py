"""Domain errors: raised by services, turned into translated messages by views and the API."""


class DomainError(Exception):
    """A rule refused the operation. ``message`` is already translated (lazy) for the user."""

    status_code = 400

    def __init__(self, message, field=None, **details):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.details = details


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The record changed underneath, or another rule about simultaneous work refused it."""

    status_code = 409


class Unavailable(DomainError):
    """A part the action needs is down (the database refused the write): try again later."""

    status_code = 503
