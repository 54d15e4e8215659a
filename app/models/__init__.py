"""Every model module is imported here so the metadata (and Alembic) sees all tables."""
from flask_appbuilder import Model  # noqa: F401
from flask_appbuilder.security.sqla.models import User  # noqa: F401

from app.models.base import AuditMixin  # noqa: F401
from app.models import audit, jobs, preferences  # noqa: F401
from app.models import payroll  # noqa: F401
from app.models import client_names, clients  # noqa: F401
from app.models import communication  # noqa: F401
from app.models import idempotency, passes  # noqa: F401
from app.models import staff, timetable  # noqa: F401
from app.models import documents  # noqa: F401
from app.models import cash  # noqa: F401
from app.models import courses  # noqa: F401
from app.models import stock  # noqa: F401
from app.models import security_events  # noqa: F401
from app.models import portal  # noqa: F401
from app.models import translations  # noqa: F401
