"""The client list's paging: a free-text search counts its matches only up to a cap and then
says "more than …"; a page's keys are found first (from the name index), then its rows — the
same rows in the same order as a plain paged query, with filters and any sort column."""
import re
from datetime import date

import pytest
from sqlalchemy import and_, inspect, select, text

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
    # letters inside names: the matches walked through the name trigram table
    ("_flt_0_search_name=rea", 1),
    ("_flt_0_search_name=rea&_flt_0_category=CATEGORY", 1),
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
        "_flt_0_search_name=rea": client_search_condition("rea"),
        f"_flt_0_search_name=rea&_flt_0_category={vip.id}": and_(
            client_search_condition("rea"), Client.category_id == vip.id),
    }[query]
    order = ([Client.birth_date.desc(), Client.id.desc()] if "birth_date" in query
             else [Client.search_name, Client.id])
    expected = list(db.session.scalars(select(Client.id).where(condition).order_by(*order)))
    assert len(expected) >= 2
    web = login(MANAGER)
    shown = []
    for page in range(0, (len(expected) + psize - 1) // psize):
        html = web.get(f"/client/list/?{query}&psize_ClientModelView={psize}"
                       f"&page_ClientModelView={page}").get_data(as_text=True)
        on_page = _order_on_page(html, clients)
        assert len(on_page) == min(psize, len(expected) - page * psize)
        shown += on_page
    assert shown == expected


def _plan(db, statement):
    """PostgreSQL's plan for ``statement`` with sequential scans, bitmaps and sorts priced out
    (on a handful of rows the planner would rightly prefer them): which index it walks."""
    compiled = statement.compile(db.engine, compile_kwargs={"render_postcompile": True})
    connection = db.session.connection()
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        connection.execute(text(f"SET LOCAL {setting} = off"))
    return "\n".join(row[0] for row in connection.exec_driver_sql(
        f"EXPLAIN {compiled}", compiled.params))


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
    plan = _plan(db, keys)
    assert "Index Only Scan using ix_client_search_name on client" in plan, plan


def test_search_page_statements(db, login):
    """A searched list page: the search's organisation lookup once (not once for the count and
    once for the page), and no query for the search form's relation filters."""
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
    # the names beginning with "dub", then the other matches, in one statement
    counts = [s for s in seen if "count(" in s.lower()]
    assert len(counts) == 1 and "FROM client" in counts[0], counts
    assert "search_name >=" in counts[0] and "UNION ALL" in counts[0]
    # the other matches walked in name order through the name trigram table — its key alone
    # when nothing else limits the list (the manager sees every client, no other filter)
    assert "FROM client_name_trigram" in counts[0], counts
    assert "JOIN client_name_trigram" not in counts[0], counts
    # the relation filters' choices are not read with the page: they load when opened
    assert "Regulars" not in page
    directories = [s for s in seen if re.search(r"FROM (client_category|client_source|tag)\b", s)
                   or ("FROM ab_user" in s and "WHERE ab_user.id =" not in s)]
    assert directories == [], directories


def _names_searched(web, query, psize=25, page=0):
    html = web.get(f"/client/list/?{query}&psize_ClientModelView={psize}"
                   f"&page_ClientModelView={page}").get_data(as_text=True)
    return html


def _shown(html, clients):
    return [next(c.last_name for c in clients if c.id == pk) for pk in _order_on_page(html, clients)]


def test_a_search_lists_the_names_beginning_with_it_first(db, login):
    """"dub" at the desk: Dubois and Dubrovsky (names beginning with it, by name) before
    Adubayo and Zdubek (the other matches, by name) — not Adubayo first."""
    clients = [make_client(last_name=name, first_name="Léa", birth_date=date(2000, 1, 1 + n),
                           commit=False)
               for n, name in enumerate(("Zdubek", "Dubrovsky", "Adubayo", "Dubois", "Moreau",
                                         "Ledub"))]
    clients.append(make_client(last_name="Smith", first_name="Ann", email="dub@example.org",
                               birth_date=date(2000, 1, 20), commit=False))
    db.session.commit()
    web = login(MANAGER)
    expected = ["Dubois", "Dubrovsky", "Adubayo", "Ledub", "Smith", "Zdubek"]
    assert _shown(_names_searched(web, "_flt_0_search_name=dub"), clients) == expected
    # accents and case as typed do not matter; the count is every match
    page = _names_searched(web, "_flt_0_search_name=DÜB")
    assert _shown(page, clients) == expected and _record_count(page) == "6"
    # a sort the user chose is kept as chosen, every match alike
    chosen = _names_searched(web, "_flt_0_search_name=dub&_oc_ClientModelView=birth_date"
                                  "&_od_ClientModelView=desc")
    assert _shown(chosen, clients) == ["Smith", "Ledub", "Dubois", "Adubayo", "Dubrovsky",
                                       "Zdubek"]
    # no search: by name
    assert _shown(_names_searched(web, ""), clients)[:3] == ["Adubayo", "Dubois", "Dubrovsky"]


@pytest.mark.parametrize("psize", [1, 2, 3, 4, 5])
def test_pages_of_a_search_run_on_from_the_leading_names_into_the_others(db, login, psize):
    """Every page size: the pages together list each match once, the names beginning with the
    search first — also when a page starts exactly where they end (the count of them tells
    how far into the others it starts) or after them."""
    leading = [f"Dubois{n}" for n in range(4)]
    others = [f"Adub{n}" for n in range(3)]
    clients = [make_client(last_name=name, commit=False) for name in others + leading]
    clients.append(make_client(last_name="Nomatch", commit=False))
    db.session.commit()
    web = login(MANAGER)
    shown = []
    for page in range(0, (7 + psize - 1) // psize + 1):  # one page past the end: empty
        on_page = _shown(_names_searched(web, "_flt_0_search_name=dub", psize, page), clients)
        assert len(on_page) == max(0, min(psize, 7 - page * psize)), (page, on_page)
        shown += on_page
    assert shown == leading + others


def test_a_number_search_is_by_name(db, login):
    clients = [make_client(last_name="Zed", phone="+33 6 12 34 56 78", commit=False),
               make_client(last_name="Abel", phone="06 12 34 99 99", commit=False)]
    db.session.commit()
    assert _shown(_names_searched(login(MANAGER), "_flt_0_search_name=0612"), clients) == \
        ["Abel", "Zed"]


def test_leading_names_are_a_range_of_the_name_index(db):
    """On PostgreSQL the first page of a search beginning a name is one range of the name index
    (an index-only scan bounded by the prefix), never a walk from the first name."""
    from app.services.clients.search import client_name_begins

    make_client(last_name="Dubois")
    if db.engine.dialect.name != "postgresql":
        assert client_name_begins("12 34") is None and client_name_begins(" ") is None
        return
    keys = (select(Client.id).where(client_name_begins("Dub"), client_search_condition("Dub"))
            .order_by(Client.search_name, Client.id).limit(25))
    plan = _plan(db, keys)
    assert "Index Only Scan using ix_client_search_name on client" in plan, plan
    assert "(search_name >= 'dub'::text) AND (search_name < 'duc'::text))" in plan, plan


def test_count_goes_on_past_the_leading_names(app, db, login, monkeypatch):
    """Fewer names begin with the search than the cap: every match is counted (then capped)."""
    for name in ("Dubois1", "Dubois2", "Adub1", "Adub2", "Adub3"):
        make_client(last_name=name)
    monkeypatch.setattr(_list_view(app).datamodel, "count_cap", 3)
    web = login(MANAGER)
    assert _record_count(_names_searched(web, "_flt_0_search_name=dub")) == "more than 3"
    monkeypatch.setattr(_list_view(app).datamodel, "count_cap", 10)
    assert _record_count(_names_searched(web, "_flt_0_search_name=dub")) == "5"


def test_a_repeated_search_keeps_every_value(db, login):
    """``…search_name=dub&…search_name=léa``: both must match, the first leads."""
    clients = [make_client(last_name=last, first_name=first, commit=False) for last, first in
               (("Dubois", "Léa"), ("Dubois", "Marc"), ("Adub", "Léa"), ("Moreau", "Léa"))]
    db.session.commit()
    page = _names_searched(login(MANAGER), "_flt_0_search_name=dub&_flt_0_search_name=l%C3%A9a")
    assert _shown(page, clients) == ["Dubois", "Adub"] and _record_count(page) == "2"
