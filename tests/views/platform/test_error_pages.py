"""403 / 404 / 500 pages keep the menu and offer a way back; API paths answer JSON."""
import pytest

from app.security import FRONT_DESK, MANAGER


def test_404_keeps_the_menu_and_a_way_back(login):
    desk = login(FRONT_DESK)
    response = desk.get("/no/such/page", headers={"Referer": "http://localhost/checkin/"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'id="error-404"' in html and "Page not found" in html
    assert "navbar" in html and "/checkin/" in html  # the menu, the way back
    assert 'id="error-home"' in html


def test_404_of_a_missing_record_and_403(login, app):
    manager = login(MANAGER)
    response = manager.get("/clients/999999/card")
    assert response.status_code == 404 and 'id="error-404"' in response.get_data(as_text=True)
    # an instructor opening a client card it may not see gets the same page, not a bare one
    response = login("Instructor").get("/clients/999999/card")
    assert response.status_code == 404 and "navbar" in response.get_data(as_text=True)


def test_403_page(login):
    # an instructor asking for someone else's payslip
    response = login("Instructor").get("/payslips/1/999999")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "Access denied" in html and "navbar" in html
    assert 'id="error-home"' in html


def test_500_page_keeps_the_menu(app, login, monkeypatch):
    desk = login(FRONT_DESK)

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "CheckInView.index", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(app, "testing", False)
    response = desk.get("/checkin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in html and "navbar" in html


@pytest.mark.parametrize("path", ["/api/v1/nothing-here"])
def test_api_404_is_json(login, path):
    response = login(MANAGER).get(path)
    assert response.status_code == 404 and response.is_json and response.json["message"]
