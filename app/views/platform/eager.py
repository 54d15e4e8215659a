"""A datamodel whose list queries load the relations a list shows up front, never one per row."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import joinedload, selectinload


class EagerInterface(SQLAInterface):
    """SQLAInterface that eager-loads ``eager`` relations in its list queries: one extra query
    per relation with ``selectinload`` (fits collections); a subclass may set ``loader`` to
    ``joinedload`` for many-to-one relations.

    FAB's REST list (``select_columns`` set) loads only the columns it names, so a relation it
    names whole (``"category"``, not ``"category.name"``) would be lazy-loaded once per row:
    those relations are loaded up front too — many-to-one joined into the same query,
    collections with one ``selectinload`` query each."""

    loader = staticmethod(selectinload)

    def __init__(self, obj, session=None, eager=()):
        super().__init__(obj, session)
        self.eager = eager

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None,
                  page_size=None, select_columns=None, outer_default_load=False):
        query = super().apply_all(query, filters, order_column, order_direction, page, page_size,
                                  select_columns, outer_default_load)
        if select_columns:
            options = [self._select_loader(name) for name in dict.fromkeys(select_columns)
                       if "." not in name and self.is_relation(name)]
            return query.options(*options) if options else query
        if self.eager:
            query = query.options(*[self.loader(getattr(self.obj, name)) for name in self.eager])
        return query

    def query_count(self, query, filters=None, select_columns=None):
        """The count of the list's rows needs none of the columns the list selects: FAB's count
        otherwise outer-joins (and aliases, on every request) each related table a dotted column
        names — a many-to-one outer join never changes the count, and a filter on a related
        column joins its own table."""
        return super().query_count(query, filters, select_columns=None)

    def _select_loader(self, name):
        attribute = getattr(self.obj, name)
        if attribute.property.uselist:
            return selectinload(attribute)
        return joinedload(attribute)
