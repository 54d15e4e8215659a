"""The shop desk and the storekeeper's pages in a real browser, in English and in Armenian:
a barcode scanned onto a receipt, the stock levels page, and no client list for the storekeeper.
Screenshots are kept as artifacts (tests/artifacts/)."""
import re
from decimal import Decimal

from app.security import FRONT_DESK, STOREKEEPER
from tests.e2e.conftest import screenshot
from tests.factories.stock import make_product

ARMENIAN = re.compile("[\u0531-\u058F]")


def test_front_desk_scans_a_barcode_onto_the_receipt(db, live_server, page, browser_login):
    water = make_product(stock=12, name="Aqua 0.5 l", barcode="4601234567890",
                         sale_price=Decimal("1.20"))
    db.session.commit()
    browser_login(page, FRONT_DESK)
    for language in ("en", "hy"):
        page.goto(f"{live_server}/lang/{language}")
        page.goto(f"{live_server}/shop/sell")
        page.fill("#scan", water.barcode)
        page.click("button[name=action][value=add]")
        page.wait_for_load_state("networkidle")
        receipt = page.locator("form.shop-desk").inner_text()
        assert "Aqua 0.5 l" in receipt
        if language == "hy":
            assert ARMENIAN.search(receipt)
        screenshot(page, f"shop-desk-{language}.png")


def test_storekeeper_reads_levels_but_no_client_list(db, live_server, page, browser_login):
    make_product(stock=7, name="Textbook English A1", min_stock=10)
    db.session.commit()
    browser_login(page, STOREKEEPER)
    for language in ("en", "hy"):
        page.goto(f"{live_server}/lang/{language}")
        response = page.goto(f"{live_server}/stock/levels")
        assert response.status == 200
        text = page.locator("body").inner_text()
        assert "Textbook English A1" in text
        if language == "hy":
            assert ARMENIAN.search(text)
        screenshot(page, f"stock-levels-{language}.png")
    make_client_row = page.goto(f"{live_server}/client/list/")
    # refused: FAB answers 403 or sends the storekeeper away from the list
    assert make_client_row.status == 403 or "/client/list" not in page.url, page.url
