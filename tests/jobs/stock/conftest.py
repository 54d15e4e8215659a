"""The real SMTP server fixture for the stock tests that send mail."""
from tests.communication_fixtures import smtp_server  # noqa: F401
