"""A datamodel whose list queries load the relations a list shows up front, never one per row."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import selectinload


class EagerInterface(SQLAInterface):
    """SQLAInterface that eager-loads ``eager`` relations in its list queries: one extra query
    per relation with ``selectinload`` (fits collections); a subclass may set ``loader`` to
    ``joinedload`` for many-to-one relations. FAB's REST list (``select_columns`` set) loads its
    own columns, so nothing is added there."""

    loader = staticmethod(selectinload)

    def __init__(self, obj, session=None, eager=()):
        super().__init__(obj, session)
        self.eager = eager

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None,
                  page_size=None, select_columns=None, outer_default_load=False):
        query = super().apply_all(query, filters, order_column, order_direction, page, page_size,
                                  select_columns, outer_default_load)
        if self.eager and not select_columns:
            query = query.options(*[self.loader(getattr(self.obj, name)) for name in self.eager])
        return query
