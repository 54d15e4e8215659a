"""A list page's paging arguments out of range or not numbers: a redirect to a page that works,
never a 500 (FAB's int() failed on ``abc``; PostgreSQL refuses a negative OFFSET)."""
from urllib.parse import parse_qs, urlsplit

import pytest

from app.security import ADMIN, FRONT_DESK
from app.views.platform.input_guard import MAX_PAGE, MAX_PAGE_SIZE
from tests.factories.clients import make_client


@pytest.fixture
def no_propagation(app):
    """Let the app turn exceptions into 500 responses, as in production."""
    app.testing = False
    yield
    app.testing = True


def _target(response):
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query)


@pytest.mark.parametrize("argument, value, expected", [
    ("page_ClientModelView", "-1", None),
    ("page_ClientModelView", "abc", None),
    ("page_ClientModelView", "1.5", None),
    ("page_ClientModelView", "", None),
    ("page_ClientModelView", "123456789012345678901", None),
    ("page_ClientModelView", str(MAX_PAGE + 1), str(MAX_PAGE)),
    ("page_ClientModelView", " 2", "2"),
    ("psize_ClientModelView", "0", None),
    ("psize_ClientModelView", "-25", None),
    ("psize_ClientModelView", "many", None),
    ("psize_ClientModelView", "100000", str(MAX_PAGE_SIZE)),
])
def test_bad_paging_is_mended_by_a_redirect(app, login, no_propagation, argument, value, expected):
    client = login(FRONT_DESK)
    response = client.get("/client/list/", query_string={argument: value,
                                                        "_flt_0_first_name": "Ann"})
    assert response.status_code == 302
    path, args = _target(response)
    assert path == "/client/list/"
    assert args.get(argument) == ([expected] if expected else None)
    assert args["_flt_0_first_name"] == ["Ann"]  # the search is kept
    assert client.get(response.headers["Location"]).status_code == 200


def test_good_paging_is_left_alone(app, db, login):
    for number in range(3):
        make_client(first_name=f"Paged{number}")
    client = login(FRONT_DESK)
    response = client.get("/client/list/", query_string={"page_ClientModelView": "1",
                                                        "psize_ClientModelView": "2"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Paged") == 1  # the third of three, page size 2


@pytest.mark.parametrize("path", ["/payment/list/", "/organisation/list/", "/pass/list/", "/product/list/"])
def test_every_list_is_guarded(app, login, no_propagation, path):
    client = login(ADMIN)
    response = client.get(path, query_string={"page_X": "-3", "psize_X": "x"})
    assert response.status_code == 302 and _target(response) == (path, {})
    assert client.get(path, query_string={"page_X": "-3"}, follow_redirects=True).status_code == 200


@pytest.mark.parametrize("query, field", [("(page:-1,page_size:25)", "page"),
                                          ("(page:0,page_size:-5)", "page_size"),
                                          ("(page:0,page_size:0)", "page_size"),
                                          ("(page:12345678901,page_size:25)", "page")])
def test_api_paging_out_of_range_is_a_400(app, api_token, no_propagation, query, field):
    response = app.test_client().get("/api/v1/client/", query_string={"q": query},
                                     headers=api_token(ADMIN))
    assert response.status_code == 400 and response.json["field"] == field


def test_api_paging_in_range_lists(app, db, api_token):
    for number in range(3):
        make_client(first_name=f"Paged{number}")
    response = app.test_client().get("/api/v1/client/", query_string={
        "q": "(page:1,page_size:2,order_column:first_name,order_direction:asc)"},
        headers=api_token(ADMIN))
    assert response.status_code == 200
    assert [row["first_name"] for row in response.json["result"]] == ["Paged2"]


def _list_views(app):
    from flask_appbuilder import ModelView

    return [view for view in app.appbuilder.baseviews
            if isinstance(view, ModelView) and not view.route_base.startswith("/api/")]


def test_every_list_sorts_by_an_unknown_column_as_by_default(app, db, login, no_propagation):
    """``_oc_<View>=nonexistent`` (a hand-edited link): every list, FAB's own (users, roles)
    too, redirects to itself without the sort — before, all but the clients' failed to compile
    the query (a 500)."""
    make_client(first_name="Sorted")
    client = login(ADMIN)
    answered = {}
    for view in _list_views(app):
        name = type(view).__name__
        path = f"{view.route_base}/list/"
        for column in ("nonexistent", "__class__", "organisation.name"):
            response = client.get(path, query_string={f"_oc_{name}": column, f"_od_{name}": "asc",
                                                      "keep": "1"}, follow_redirects=True)
            answered[(path, column)] = response.status_code
            if column == "nonexistent":
                assert response.request.args.to_dict() == {"keep": "1"}, path
    assert answered and not [key for key, status in answered.items() if status >= 500]
    assert answered[("/payment/list/", "nonexistent")] == 200
    assert answered[("/client/list/", "nonexistent")] == 200


def test_a_known_sort_column_still_sorts(app, db, login):
    from datetime import date

    for day, name in enumerate(("Bravo", "Alpha", "Charlie")):
        make_client(first_name=f"{name}Sorted", birth_date=date(2001, 1, 1 + day))
    for direction, expected in (("asc", ["Bravo", "Alpha", "Charlie"]),
                                ("desc", ["Charlie", "Alpha", "Bravo"])):
        response = login(ADMIN).get("/client/list/", query_string={
            "_oc_ClientModelView": "birth_date", "_od_ClientModelView": direction})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        positions = [page.find(f"{name}Sorted") for name in expected]
        assert min(positions) > 0 and positions == sorted(positions), (direction, positions)
