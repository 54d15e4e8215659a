"""Pages show labels, never the raw values underneath: the empty choice of a related-record
picker, task-result kinds, pass statuses in the mailing segment, template placeholders."""
import pytest

from app.security import FRONT_DESK, MANAGER
from tests.factories.communication import make_task_result

REFUSAL_FR = "Motif de refus"


@pytest.mark.parametrize("role", [MANAGER, FRONT_DESK])  # Front desk's form hides medical fields
def test_empty_related_choice_is_labelled_in_the_language(db, login, role):
    browser = login(role)
    browser.get("/lang/ru")
    page = browser.get("/client/add").get_data(as_text=True)
    assert ">— не выбрано —</option>" in page
    assert ">__None<" not in page


def test_task_result_kind_and_pass_statuses_are_labels(db, login):
    make_task_result(name="Ill", kind="refusal")
    db.session.commit()
    browser = login(MANAGER)
    browser.get("/lang/fr")
    listing = browser.get("/taskresult/list/").get_data(as_text=True)
    cells = [cell.strip() for cell in listing.split("<td>")]
    assert not [cell for cell in cells if cell.startswith("refusal<")]
    assert any(cell.startswith(REFUSAL_FR + "<") for cell in cells)
    mailing = browser.get("/mailings/new").get_data(as_text=True)
    assert 'value="used_up" >used_up<' not in mailing and ">refunded<" not in mailing
    assert ">Remboursé<" in mailing


def test_template_placeholders_are_code(db, login):
    browser = login(MANAGER)
    page = browser.get("/messagetemplate/add").get_data(as_text=True)
    assert "<code>{course_dates}</code>" in page
