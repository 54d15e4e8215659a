"""A second process serving the catalogs of ``TESSERA_TRANSLATIONS_FOLDER``: reads
``["lang", "text"]`` lines on stdin, answers each with the text's translation (JSON) as a
request of that process would see it (the live catalog check runs first, as before a request)."""
import json
import os
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[3])  # the repository root


def main():
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
        TRANSLATIONS_FOLDER = os.environ["TESSERA_TRANSLATIONS_FOLDER"]
        TRANSLATIONS_CHECK_SECONDS = 0

    from flask_babel import gettext

    from app import create_app
    from app.services.platform import live_catalogs

    app = create_app(Config)
    for line in sys.stdin:
        lang, text = json.loads(line)
        with app.test_request_context("/?_l_=" + lang):
            live_catalogs.notice_changes(app)
            print(json.dumps(gettext(text)), flush=True)


if __name__ == "__main__":
    main()
