"""The client list's paging: a free-text search counts its matches only up to a cap and then
says "more than …"; a page's keys are found first (from the name index), then its rows — the
same rows in the same order as a plain paged query, with filters and any sort column."""
import re
from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from app.models.clients import Client, Tag
from app.security import MANAGER
from app.services.clients.search import client_search_condition
from tests.factories.clients import make_category, make_client


def _list_view(app):
    return next(view for view in app.appbuilder.baseviews
                if type(view).__name__ == "ClientModelView")


def _record_count(page):
    return re.search(r"Record Count:</strong>\s*([^<]+?)\s*</div>", page).group(1)


def _order_on_page(page, clients):
    """The clients among ``clients`` that the page shows, in the order it shows them."""
    found = [(page.find(f"/clients/{c.id}/card"), c.id) for c in clients]
    return [pk for at, pk in sorted(found) if at >= 0]


def test_search_counts_up_to_the_cap_then_says_more(app, db, login, monkeypatch):
    for n in range(5):
        make_client(last_name=f"Dubois{n}", first_name="Léa")
    make_client(last_name="Smith", first_name="Oliver")
    monkeypatch.setattr(_list_view(app).datamodel, "count_cap", 3)
    web = login(MANAGER)
    searched = web.get("/client/list/?_flt_0_search_name=dub").get_data(as_text=True)
    assert _record_count(searched) == "more than 3"
    assert all(f"Dubois{n}" in searched for n in range(5))  # the page lists every match
    # under the cap the count is exact; the unfiltered list always counts every client
    assert _record_count(web.get("/client/list/?_flt_0_search_name=smi").get_data(
        as_text=True)) == "1"
    assert _record_count(web.get("/client/list/").get_data(as_text=True)) == "6"
    assert _record_count(web.get("/client/list/?_flt_0_search_name=+").get_data(
        as_text=True)) == "6"  # an empty search is no search
    # the capped count still pages: 4 (cap + 1) rows by 2 make a second page to go to
    second = web.get("/client/list/?_flt_0_search_name=dub&psize_ClientModelView=2"
                     "&page_ClientModelView=1").get_data(as_text=True)
    assert _record_count(second) == "more than 3"
    assert "Dubois2" in second and "Dubois3" in second and "Dubois1" not in second


def test_capped_count_is_translated(app, db, login, monkeypatch):
    for n in range(3):
        make_client(last_name=f"Иванов{n}")
    monkeypatch.setattr(_list_view(app).datamodel, "count_cap", 2)
    web = login(MANAGER)
    web.get("/lang/ru")
    page = web.get("/client/list/?_flt_0_search_name=ива").get_data(as_text=True)
    assert "больше 2" in page


@pytest.mark.parametrize("query, psize", [
    ("", 3),
    ("_flt_0_search_name=dub", 2),
    ("_oc_ClientModelView=birth_date&_od_ClientModelView=desc", 3),
    ("_flt_0_category=CATEGORY", 2),
    ("_flt_0_tags=TAG", 2),
])
def test_pages_by_keys_show_the_rows_of_a_plain_paged_query(db, login, query, psize):
    vip = make_category("VIP")
    tag = Tag(name="Swimmer")
    db.session.add(tag)
    clients = []
    for n in range(7):
        # equal names: the order falls back to the id, as the plain query's does
        client = make_client(last_name="Dubois" if n % 2 else "Moreau", first_name="Léa",
                             birth_date=date(1990, 1, 1 + n % 3), commit=False)
        client.category = vip if n % 3 else None
        if n % 2 == 0:
            client.tags.append(tag)
        clients.append(client)
    db.session.commit()
    query = query.replace("CATEGORY", str(vip.id)).replace("TAG", str(tag.id))
    condition = {
        "": True,
        "_flt_0_search_name=dub": client_search_condition("dub"),
        "_oc_ClientModelView=birth_date&_od_ClientModelView=desc": True,
        f"_flt_0_category={vip.id}": Client.category_id == vip.id,
        f"_flt_0_tags={tag.id}": Client.tags.contains(tag),
    }[query]
    order = ([Client.birth_date.desc(), Client.id.desc()] if "birth_date" in query
             else [Client.search_name, Client.id])
    expected = list(db.session.scalars(select(Client.id).where(condition).order_by(*order)))
    assert len(expected) >= 3
    web = login(MANAGER)
    shown = []
    for page in range(0, (len(expected) + psize - 1) // psize):
        html = web.get(f"/client/list/?{query}&psize_ClientModelView={psize}"
                       f"&page_ClientModelView={page}").get_data(as_text=True)
        on_page = _order_on_page(html, clients)
        assert len(on_page) == min(psize, len(expected) - page * psize)
        shown += on_page
    assert shown == expected


def test_page_keys_come_from_the_name_index_alone(db):
    """The name index holds the list's order (name, then id); on PostgreSQL it also holds every
    column a search tests, so a page's keys are found by an index-only walk (without the
    included columns the walk would read each client it passes)."""
    make_client(last_name="Dubois", email="lea@example.org")
    index = next(ix for ix in inspect(db.engine).get_indexes("client")
                 if ix["name"] == "ix_client_search_name")
    assert index["column_names"][:2] == ["search_name", "id"]
    if db.engine.dialect.name != "postgresql":
        return
    keys = (select(Client.id).where(client_search_condition("dub"))
            .order_by(Client.search_name, Client.id).limit(25))
    compiled = keys.compile(db.engine, compile_kwargs={"render_postcompile": True})
    connection = db.session.connection()
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        connection.execute(text(f"SET LOCAL {setting} = off"))
    plan = "\n".join(row[0] for row in connection.exec_driver_sql(
        f"EXPLAIN {compiled}", compiled.params))
    assert "Index Only Scan using ix_client_search_name on client" in plan, plan


def test_search_page_statements(db, login):
    """A searched list page: the search's organisation lookup once (not once for the count and
    once for the page), and the search form's drop-downs without a COUNT each."""
    from sqlalchemy import event

    from tests.factories.clients import make_organisation

    make_organisation(short_name="Dubrovnik Dance")
    make_category("Regulars")
    make_client(last_name="Dubois")
    web = login(MANAGER)
    path = "/client/list/?_flt_0_search_name=dub"
    web.get(path)
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        page = web.get(path).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert "Dubois" in page
    lookups = [s for s in seen if s.lstrip().startswith("SELECT organisation.id")]
    # PostgreSQL looks the organisations up first (see client_search_condition); SQLite's
    # condition holds them as a subquery
    assert len(lookups) == (1 if db.engine.dialect.name == "postgresql" else 0)
    counts = [s for s in seen if "count(" in s.lower()]
    assert len(counts) == 1 and "FROM client" in counts[0], counts
    # the drop-downs still list their choices (FAB writes the search form as JSON for its JS)
    assert "\\u003eRegulars\\u003c/option" in page
