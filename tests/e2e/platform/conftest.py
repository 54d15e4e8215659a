"""The tmp copy of the catalogs (tests never change the repository's)."""
from tests.translation_fixtures import translations_copy  # noqa: F401
