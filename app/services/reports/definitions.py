"""Importing this module registers every built-in report (one declaration each), in the order
the reports page lists them."""
from app.services.reports import instructors  # noqa: F401
from app.services.reports import attendance  # noqa: F401
from app.services.reports import money  # noqa: F401
from app.services.reports import clients_special  # noqa: F401
from app.services.reports import communication  # noqa: F401
from app.services.reports import stock  # noqa: F401
