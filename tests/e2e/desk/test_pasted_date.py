"""The client form's date picker keeps a pasted (or autofilled) birth date: a child is never
saved without its birth date (and so without the guardian check)."""
from sqlalchemy import select

from app.models.clients import Client


def _paste(page, selector, text):
    """What a browser does on Ctrl-V: a paste event, then (unless a handler took it) the text
    inserted."""
    page.locator(selector).click()
    taken = page.evaluate("""([selector, text]) => {
        const input = document.querySelector(selector);
        const data = new DataTransfer();
        data.setData('text/plain', text);
        const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                   cancelable: true});
        return !input.dispatchEvent(event);
    }""", [selector, text])
    if not taken:
        page.keyboard.insert_text(text)


def _autofill(page, selector, text):
    """A browser's autofill: the value set and input / change fired, no key pressed."""
    page.evaluate("""([selector, text]) => {
        const input = document.querySelector(selector);
        input.value = text;
        input.dispatchEvent(new Event('input', {bubbles: true}));
        input.dispatchEvent(new Event('change', {bubbles: true}));
    }""", [selector, text])


def test_a_pasted_birth_date_is_kept(db, live_server, page, browser_login):
    browser_login(page, "Front desk")
    for pasted in ("2015-04-09", "09.04.2015", "9/4/2015", "autofill:09.04.2015"):
        page.goto(f"{live_server}/client/add")
        page.fill("#last_name", "Dubois")
        page.fill("#first_name", "Léa")
        page.locator("#birth_date").fill("")
        if pasted.startswith("autofill:"):
            _autofill(page, "#birth_date", pasted.split(":", 1)[1])
        else:
            _paste(page, "#birth_date", pasted)
        page.locator("#phone").click()  # leave the field (the picker closes)
        page.locator("body").press("Escape")
        value = page.input_value("#birth_date")
        print(f"\n[pasted] {pasted!r} -> {value!r}")
        assert value == "2015-04-09", value
    # a minor without a guardian is refused: the date really went through
    page.click("#model_form button[type=submit], form#model_form input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "needs at least one guardian" in page.content()
    assert db.session.scalar(select(Client)) is None
