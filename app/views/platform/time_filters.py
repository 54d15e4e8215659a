"""A datamodel that knows how to filter ``Time`` columns: FAB's converter has no entry for them
and logs "Filter type not supported for column" each time a view's filters are built (at start
and on every related-view render)."""
from flask_appbuilder.models.sqla.filters import (FilterEqual, FilterGreater, FilterNotEqual,
                                                  FilterSmaller, SQLAFilterConverter)
from flask_appbuilder.models.sqla.interface import _is_sqla_type
from sqlalchemy import types as sa_types

from app.views.platform.eager import OnceFilterConverter, TesseraInterface


class TimeFilterConverter(OnceFilterConverter):
    """FAB's converter plus a time-of-day entry (equal / after / before / not equal)."""

    conversion_table = SQLAFilterConverter.conversion_table + (
        ("is_time", [FilterEqual, FilterGreater, FilterSmaller, FilterNotEqual]),
    )


class TimeAwareInterface(TesseraInterface):
    """TesseraInterface whose filters cover ``Time`` columns."""

    filter_converter_class = TimeFilterConverter

    def is_time(self, col_name: str) -> bool:
        try:
            return _is_sqla_type(self.list_columns[col_name].type, sa_types.Time)
        except KeyError:
            return False
