from types import SimpleNamespace

from app.formatting import select_options


def test_options_escape_labels_and_mark_the_selected_one():
    items = [SimpleNamespace(id=1, name="Room <A>", full_name="x"),
             SimpleNamespace(id=12, name="Зал «Б»", full_name="Ann & Bob")]
    html = str(select_options(items, 12))
    assert html == ('<option value="1">Room &lt;A&gt;</option>'
                    '<option value="12" selected>Зал «Б»</option>')
    assert 'selected' not in str(select_options(items, None))
    assert 'value="1" selected' in str(select_options(items, "1"))
    assert ">Ann &amp; Bob<" in str(select_options(items, "", "full_name"))
