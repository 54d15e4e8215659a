"""A copy of the repository's catalogs in a tmp folder, served by the test app for one test
(tests never change the repository's catalogs): ``translations_copy`` yields its path."""
import shutil

import pytest


@pytest.fixture
def translations_copy(app, tmp_path):
    from app.services.platform import live_catalogs, translations

    folder = tmp_path / "translations"
    shutil.copytree(translations.TRANSLATIONS, folder,
                    ignore=shutil.ignore_patterns("*.mo", ".tessera-*"))
    translations.compile_catalogs(folder=str(folder))
    previous = app.config["TRANSLATIONS_FOLDER"]
    app.config["TRANSLATIONS_FOLDER"] = str(folder)
    live_catalogs.notice_changes(app, force=True)
    yield folder
    app.config["TRANSLATIONS_FOLDER"] = previous
    live_catalogs.notice_changes(app, force=True)
