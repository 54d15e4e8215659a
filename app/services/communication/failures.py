"""How a transport says a message did not go: retry later, or never.

Shared by the SMTP transport (``delivery``) and the SMS providers (``sms``), so neither needs
the other to raise them.
"""


class DeliveryFailure(Exception):
    pass


class TemporaryFailure(DeliveryFailure):
    """Retry later: 4xx answers, timeouts, refused connections. ``connection`` says the server
    is unreachable, so the rest of the batch waits for the retry."""

    def __init__(self, message, connection=False):
        super().__init__(message)
        self.connection = connection


class PermanentFailure(DeliveryFailure):
    """5xx answers: retrying would not help."""
