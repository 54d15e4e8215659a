"""The client list shows a small photo where a client has one and the initials where not, in
the same number of SQL queries whatever the number of rows; the favicon is served at
/favicon.ico (public, an icon) and linked, with its SVG, from every page."""
import re

from app.security import FRONT_DESK, MANAGER
from app.services.clients.documents import set_client_photo
from tests.factories.clients import make_client

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 50


def test_photos_and_initials_in_the_list_with_a_constant_query_count(db, login,
                                                                     count_queries):
    desk = login(MANAGER)
    pictured = make_client(first_name="Anna", last_name="Petrosyan")
    set_client_photo(pictured, "anna.png", PNG)
    plain = make_client(first_name="élodie", last_name="Моро")
    with count_queries() as few:
        page = desk.get("/client/list/").get_data(as_text=True)
    assert re.search(r'<img class="client-thumb" src="/clients/%d/photo"' % pictured.id, page)
    assert '<span class="client-thumb client-thumb-empty" aria-hidden="true">ÉМ</span>' in page
    assert f'src="/clients/{plain.id}/photo"' not in page
    for index in range(15):
        client = make_client(first_name=f"P{index}", last_name="Many")
        if index % 2:
            set_client_photo(client, f"p{index}.png", PNG)
    with count_queries() as many:
        page = desk.get("/client/list/?psize_ClientModelView=25").get_data(as_text=True)
    assert page.count('class="client-thumb"') == 1 + 7
    assert many() == few()
    photo = desk.get(f"/clients/{pictured.id}/photo")
    assert photo.status_code == 200 and photo.data == PNG


def test_the_favicon_is_served_and_linked(app, db, login):
    anonymous = app.test_client()
    icon = anonymous.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = anonymous.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    page = login(FRONT_DESK).get("/client/list/").get_data(as_text=True)
    assert '<link rel="icon" sizes="32x32" href="/favicon.ico">' in page
    assert re.search(r'<link rel="icon" type="image/svg\+xml" href="/static/favicon.svg', page)
