"""Extension singletons, bound to the app in ``create_app``."""
from flask_appbuilder import AppBuilder, Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate

# One metadata for FAB's security tables and ours, so Alembic and create_all see every table.
db = get_sqla_class()(metadata=Model.metadata)
migrate = Migrate(render_as_batch=True, compare_type=True)
appbuilder = AppBuilder()

from flask_wtf.csrf import CSRFProtect  # noqa: E402

csrf = CSRFProtect()
