"""The project's datamodels: ``TesseraInterface`` (FAB's, with less work per request: a cell's
value read once, a model's filters made once) and ``EagerInterface``, whose list queries load
the relations a list shows up front, never one per row, and, on request, page by keys first
and count a searched list only up to a cap."""
import copy
import enum
from functools import reduce

from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_decimal, gettext
from markupsafe import escape
from sqlalchemy import case, not_, select
from sqlalchemy.orm import joinedload, selectinload

from app.services.platform.paging import leading_first, merged_keys


class CappedCount(int):
    """A list's count that stopped at ``cap + 1`` rows: pagination does its arithmetic on the
    number, the page prints "more than <cap>" (Jinja asks ``__html__``)."""

    def __new__(cls, cap):
        value = super().__new__(cls, cap + 1)
        value.cap = cap
        return value

    def __html__(self):
        return escape(gettext("more than %(count)s", count=format_decimal(self.cap)))


_MISSING = object()


def _has_text(value):
    """Whether a filter's value (FAB keeps a list when the argument repeats) holds any text."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return any(str(item).strip() for item in values if item is not None)


class ConvertOnce:
    """A filter converter mixin: a column's filters are made once per process. FAB builds a
    ``Filters`` several times a request — for the list and for every related model its search
    form offers (each through a fresh datamodel) — converting every column of the model into
    its filters: about 1,100 filter objects for a client list page. They hold the column and
    a datamodel, used only to look the model's columns up, so those made for a model serve
    every datamodel of its class. Each call gets its own list (FAB extends the lists it is
    given)."""

    _made = {}

    def convert(self, col_name):
        key = (type(self), type(self.datamodel), self.datamodel.obj, col_name)
        if key not in self._made:
            self._made[key] = self.convert_column(col_name)
        filters = self._made[key]
        return None if filters is None else list(filters)

    def convert_column(self, col_name):
        """The column's filters, made (a subclass gives some columns its own)."""
        return super().convert(col_name)


class OnceFilterConverter(ConvertOnce, SQLAFilterConverter):
    """FAB's SQLAlchemy filter converter, converting each column once."""


class TesseraInterface(SQLAInterface):
    """FAB's SQLAlchemy datamodel, for every project view: each model's filters made once per
    process (``OnceFilterConverter``), each cell's value read once."""

    filter_converter_class = OnceFilterConverter

    @staticmethod
    def _get_attr_value(item, col):
        """A list or show cell's value, as FAB's — which reads a property three times
        (``hasattr``, then to see whether it is callable, then for the value): a link column
        built its link thrice per row."""
        value = getattr(item, col, _MISSING)
        if value is _MISSING:  # a related object's attribute ("category.name")
            try:
                return reduce(getattr, col.split("."), item)
            except Exception:
                return ""
        if callable(value):
            return value()
        return value.value if isinstance(value, enum.Enum) else value


class EagerInterface(TesseraInterface):
    """TesseraInterface that eager-loads ``eager`` relations in its list queries: one extra query
    per relation with ``selectinload`` (fits collections); a subclass may set ``loader`` to
    ``joinedload`` for many-to-one relations.

    FAB's REST list (``select_columns`` set) loads only the columns it names, so a relation it
    names whole (``"category"``, not ``"category.name"``) would be lazy-loaded once per row:
    those relations are loaded up front too — many-to-one joined into the same query,
    collections with one ``selectinload`` query each."""

    loader = staticmethod(selectinload)

    def __init__(self, obj, session=None, eager=(), count_cap=None, keys_first=False,
                 default_order=None):
        """``count_cap``: a list filtered by a filter with ``caps_count`` (a free-text search)
        counts at most this many rows and then says "more than …" — counting the 66,000
        clients whose name contains three letters is most of the page's time at 1,000,000 and
        tells the desk nothing. ``keys_first``: a page's primary keys are found first (an
        index-only walk when an index holds the order and filter columns), then its rows by
        key — instead of reading every row the walk passes over.

        ``default_order`` (column, direction): the order of a list whose user chose none (the
        view sets no ``base_order``). Then, with ``keys_first``, a filter offering
        ``leading(value)`` — a condition its matches for that value meet first (a search: the
        names that begin with what was typed), and which implies the filter's own — lists its
        leading rows first and the other matches after them, each group in the default order:
        the first page of "dub" is a range of the name index (Dubois…), not a walk past every
        name before the first match (at 1,000,000 clients, 600,000 names before "иванов…").
        If the filter also offers ``walk(value)`` (an ``IndexWalk``: "ван", which begins no
        name), the other matches are found by walking that index, already in the default
        order (ascending), merged with those outside it (``_walk_queries``)."""
        super().__init__(obj, session)
        self.eager = eager
        self.count_cap = count_cap
        self.keys_first = keys_first
        self.default_order = default_order

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None,
                  page_size=None, select_columns=None, outer_default_load=False):
        leading = (None, filters, None)
        if not order_column and self.default_order:
            order_column, order_direction = self.default_order
            leading = self._leading(filters)
        if self.keys_first and page_size and not select_columns:
            query = self._page_by_keys(query, filters, order_column, order_direction, page,
                                       page_size, *leading)
        else:
            query = super().apply_all(query, filters, order_column, order_direction, page,
                                      page_size, select_columns, outer_default_load)
        if select_columns:
            options = [self._select_loader(name) for name in dict.fromkeys(select_columns)
                       if "." not in name and self.is_relation(name)]
            return query.options(*options) if options else query
        if self.eager:
            query = query.options(*[self.loader(getattr(self.obj, name)) for name in self.eager])
        return query

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        """FAB's ``query``, but when every row is asked for (no page size: a form's or a search
        form's drop-down choices) their number is the count — no COUNT statement for it."""
        if page_size:
            return super().query(filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)
        rows = self.apply_all(self.session.query(self.obj), filters, order_column,
                              order_direction, None, None, select_columns,
                              outer_default_load).all()
        name = self.obj.__name__
        if rows and hasattr(rows[0], name):  # rows of selected columns, as FAB unwraps them
            rows = [getattr(row, name) for row in rows]
        return len(rows), rows

    def query_count(self, query, filters=None, select_columns=None):
        """The count of the list's rows needs none of the columns the list selects: FAB's count
        otherwise outer-joins (and aliases, on every request) each related table a dotted column
        names — a many-to-one outer join never changes the count, and a filter on a related
        column joins its own table."""
        if self.count_cap and filters and any(
                getattr(item, "caps_count", False) and _has_text(value)
                for item, value in zip(filters.filters, filters.values)):
            keys, limit = query.with_entities(self.get_pk()), self.count_cap + 1
            leading, others, walk = (self._leading(filters) if self.default_order
                                     else (None, None, None))
            if leading is None:
                counted = self._apply_inner_all(keys, filters, aliases_mapping={}).limit(limit)
            else:
                # the leading rows (a range of an index), then the others, in one statement
                # that stops reading when it has cap + 1: the leading rows alone often pass
                # the cap, and then the other matches are never looked for
                first = self._apply_inner_all(keys.filter(leading), others, aliases_mapping={})
                if walk is None:
                    rest = [self._apply_inner_all(keys.filter(not_(leading)), filters,
                                                  aliases_mapping={})]
                else:  # walked in order (a walk stops at cap + 1; a hash join would not)
                    walked, outside = self._walk_queries(walk, leading, filters, others)
                    rest = [walked.with_entities(walk.order[-1]),
                            outside.with_entities(self.get_pk())]
                # (each part a subquery: SQLite takes no LIMIT inside a UNION's members)
                first, *rest = (part.limit(limit).subquery() for part in (first, *rest))
                counted = self.session.query(first.c[0]).union_all(
                    *[self.session.query(part.c[0]) for part in rest]).limit(limit)
            count = counted.count()
            return CappedCount(self.count_cap) if count > self.count_cap else count
        return super().query_count(query, filters, select_columns=None)

    def _page_by_keys(self, query, filters, order_column, order_direction, page, page_size,
                      leading=None, others=None, walk=None):
        """The page's keys in one statement (filtered, ordered, offset and limited), its rows
        selected by those keys and ordered the same way. With ``leading`` (see ``__init__``)
        the keys come from the leading rows (filtered by ``others``: see ``_leading``), then,
        if the page is not full, from the other matches — through ``walk`` when the filter
        offers one (see ``_walk_queries``)."""
        pk = self.get_pk()

        def keys(condition, among):
            return self._apply_inner_all(self.session.query(pk).filter(condition), among,
                                         order_column, order_direction, aliases_mapping={})

        if leading is None:
            page_keys = self._apply_inner_all(self.session.query(pk), filters, order_column,
                                              order_direction, page, page_size,
                                              aliases_mapping={}).subquery()
            query = query.filter(pk.in_(select(page_keys.c[0])))
            return self.apply_order_by(query, order_column, order_direction, aliases_mapping={},
                                       add_pk=True)

        def fetch(leads, offset, limit):
            if walk is not None and not leads:
                return list(self.session.scalars(
                    merged_keys(*self._walk_queries(walk, leading, filters, others),
                                offset, limit)))
            group = keys(leading, others) if leads else keys(not_(leading), filters)
            return [key for key, in group.offset(offset).limit(limit)]

        found = leading_first(fetch, lambda: keys(leading, others).order_by(None).count(),
                              (page or 0) * page_size, page_size)
        query = query.filter(pk.in_(found)).order_by(case((leading, 0), else_=1))
        return self.apply_order_by(query, order_column, order_direction, aliases_mapping={},
                                   add_pk=True)

    def _walk_queries(self, walk, leading, filters, others):
        """The matches after the leading rows as two queries of (order columns…, key), each in
        the default order: those ``walk`` (an ``IndexWalk``) reaches by walking its table's
        key, and those outside it (``merged_keys`` merges them). ``others``: the filters
        without the walked value — when they limit nothing and the walk can go ``alone``, it
        reads its table's key only."""
        order = getattr(self.obj, self.default_order[0])
        alone = walk.alone is not None and self._apply_inner_all(
            self.session.query(self.get_pk()), others, aliases_mapping={}).whereclause is None
        if alone:
            walked = self.session.query(*walk.order).filter(walk.alone)
        else:
            walked = (self.session.query(*walk.order).select_from(self.obj)
                      .join(walk.table, walk.onclause).filter(walk.where, not_(leading)))
            walked = self._apply_inner_all(walked, filters, aliases_mapping={})
        outside = self.session.query(order, self.get_pk()).filter(walk.outside, not_(leading))
        outside = self._apply_inner_all(outside, filters, self.default_order[0],
                                        self.default_order[1], aliases_mapping={})
        return walked.order_by(*walk.order), outside

    @staticmethod
    def _leading(filters):
        """The first condition a filter in use offers as ``leading(value)``, the filters
        without that value (the leading rows match it by definition: leaving it out lets the
        planner see one range of an index instead of guessing the share of two conditions)
        and the filter's ``walk(value)`` for the other matches, if it offers one — or
        (None, filters, None)."""
        for index, (item, values) in enumerate(zip(filters.filters, filters.values)
                                               if filters else ()):
            if not hasattr(item, "leading"):
                continue
            # FAB applies a filter once per value when its argument repeats (a list)
            values = values if isinstance(values, list) else [values]
            for position, value in enumerate(values):
                condition = item.leading(value) if _has_text(value) else None
                if condition is not None:
                    rest = copy.copy(filters)
                    rest.filters, rest.values = list(filters.filters), list(filters.values)
                    remaining = values[:position] + values[position + 1:]
                    if remaining:
                        rest.values[index] = remaining
                    else:
                        del rest.filters[index], rest.values[index]
                    walk = item.walk(value) if hasattr(item, "walk") else None
                    return condition, rest, walk
        return None, filters, None

    def _select_loader(self, name):
        attribute = getattr(self.obj, name)
        if attribute.property.uselist:
            return selectinload(attribute)
        return joinedload(attribute)
