"""The client portal in a real browser at 360 px (a phone) and 1366 px (a desktop): a guardian
signs up with the code sent to the email on the child's card, books a class for the child, joins
a waitlist, is promoted when a place frees, and cancels late. Screenshots in English and
Armenian are kept under docs/screenshots/portal/."""
import os
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models.portal import Booking
from tests.e2e.conftest import docs_screenshots
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.portal import PASSWORD, bookable_lesson
from tests.factories.timetable import give_passes

SHOTS = docs_screenshots("portal")


@pytest.fixture
def sync_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.e2e
@pytest.mark.parametrize("width,language", [(360, "en"), (1366, "hy")])
def test_guardian_books_waits_is_promoted_and_cancels_late(db, live_server, browser, smtp_server,
                                                           sync_jobs, width, language):
    from app.jobs.portal import promote_lesson_waitlist
    from app.services.portal import booking

    email = f"mariam.{width}@example.org"
    child = make_client(first_name="Ani", birth_date=date(2016, 3, 1), medical_notes="asthma",
                        guardians=[dict(full_name="Mariam K", email=email)])
    soon = bookable_lesson(capacity=3, starts_in=timedelta(hours=6))
    full = bookable_lesson(capacity=1, starts_in=timedelta(days=2))
    give_passes([child], soon.service)
    give_passes([child], full.service)
    other = make_client(first_name="Other")
    give_passes([other], full.service)
    taken = booking.book(other.id, full.id)
    db.session.commit()
    child_id, soon_id, full_id, taken_id = child.id, soon.id, full.id, taken.id

    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/my/signup")
        page.fill("input[name=contact]", email)
        page.select_option("select[name=language]", language)
        page.click("button[type=submit]")
        code = re.search(r"\b(\d{6})\b", [d for d in smtp_server.deliveries
                                          if d["to"] == email][-1]["body"]).group(1)
        page.fill("input[name=code]", code)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/my/")
        body = page.locator("body").inner_text()
        assert "Ani" in body and "asthma" not in body
        # no horizontal scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

        page.locator(f"li.lesson[data-lesson-id='{soon_id}'] button").click()
        page.wait_for_load_state("networkidle")
        page.locator(f"li.lesson[data-lesson-id='{full_id}'] button").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("li.waiting").count() == 1
        _shot(page, f"portal-booked-waiting-{language}-{width}.png")

        booking.cancel(taken_id)  # another family frees the place
        db.session.commit()
        promote_lesson_waitlist(full_id)
        page.reload()
        assert page.locator("li.booking-booked").count() == 2
        assert page.locator("li.waiting").count() == 0
        assert [d for d in smtp_server.deliveries if d["to"] == email][-1]["subject"]

        page.locator("li.booking-booked button").first.click()  # the lesson in 6 hours
        page.wait_for_load_state("networkidle")
        assert page.locator("li.booking-late_cancel").count() == 1
        _shot(page, f"portal-cancelled-late-{language}-{width}.png")
    finally:
        context.close()
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Booking.lesson_id, Booking.status)
                                       .where(Booking.client_id == child_id)).all())
    assert statuses == {soon_id: "late_cancel", full_id: "booked"}
