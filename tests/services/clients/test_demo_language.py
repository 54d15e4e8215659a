"""The demo's directories are named in the demo's language: built in Russian, no category,
source, industry, tag, service, pass plan, discount, room or course direction has a Latin-only
name (codes and brands aside); every name in the dictionaries is a real translation (five
languages, none left in another language's script); built again in another language, nothing
is added twice."""
import re

import pytest
from sqlalchemy import select

from app.demo import names as demo_names
from app.models.clients import ClientCategory, ClientSource, Industry, Tag
from app.models.courses import CourseDirection
from app.models.passes import Discount, PassPlan, Service
from app.models.timetable import Room

DIRECTORIES = (ClientCategory, ClientSource, Industry, Tag, Service, PassPlan, Discount, Room,
               CourseDirection)
LATIN_ONLY = re.compile(r"^[\sA-Za-z0-9À-ÿŒœ'’+,.\-—/()]+$")
SCRIPTS = {"ru": re.compile("[а-яё]", re.I), "uk": re.compile("[а-яіїєґ]", re.I),
           "hy": re.compile("[\u0530-\u058f]"), "en": re.compile("[a-z]", re.I),
           "fr": re.compile("[a-zà-ÿ]", re.I)}


def _names():
    from app.extensions import db

    return {model.__name__: sorted(db.session.scalars(select(model.name))) for model in
            DIRECTORIES}


def test_every_directory_name_is_written_in_its_language():
    for kind, entries in demo_names.DIRECTORIES.items():
        for key, written in entries.items():
            assert set(written) == set(demo_names.LANGUAGES), (kind, key)
            for language, name in written.items():
                if name in demo_names.LATIN_ALLOWED:
                    continue
                assert SCRIPTS[language].search(name), (kind, key, language, name)
                if language in ("ru", "uk", "hy"):
                    assert not re.search("[A-Za-z]", name.replace("VIP", "")), (kind, name)


def test_the_demo_built_in_russian_has_no_latin_only_directory_names(app, db):
    from app.demo import load_demo

    load_demo("ru")
    names = _names()
    assert all(names.values()), names
    latin = {model: [n for n in found if LATIN_ONLY.match(n)
                     and n not in demo_names.LATIN_ALLOWED]
             for model, found in names.items()}
    assert latin == {model: [] for model in names}, latin
    assert "Проблемный" in names["ClientCategory"] and "Тренажёрный зал" in names["Service"]
    problem = db.session.scalar(select(ClientCategory).where(ClientCategory.name == "Проблемный"))
    assert problem.warn_at_checkin is True  # the same demo, only its words change
    counts = {model: len(found) for model, found in names.items()}
    load_demo("fr")  # again, in French: found under their Russian names, nothing added
    assert {model: len(found) for model, found in _names().items()} == counts


def test_the_default_language_is_the_centres(app, db):
    from app.demo import clients

    clients.load({})
    assert "Newcomer" in _names()["ClientCategory"]
    with pytest.raises(ValueError):
        with demo_names.speaking("de"):
            pass
