"""Platform: domain errors, background-job records and queues, users, translations.

Other domains import only the domain errors, the password policy, the failed-login limiter
(the client portal's login), the bulk insert (``insert_rows``) and the leading-rows-first
paging (``leading_first``, with ``IndexWalk`` / ``merged_keys`` for a search walking another
table's index) from here; the rest is used by the app factory, the CLI and the platform's own
views.
"""
from app.services.platform.bulk import insert_rows
from app.services.platform.errors import Conflict, DomainError, Forbidden, NotFound
from app.services.platform.login_limits import address_locked, count_failure, username_locked
from app.services.platform.paging import IndexWalk, leading_first, merged_keys
from app.services.platform.passwords import check_password

__all__ = ["Conflict", "DomainError", "Forbidden", "IndexWalk", "NotFound", "address_locked",
           "check_password", "count_failure", "insert_rows", "leading_first", "merged_keys",
           "username_locked"]
