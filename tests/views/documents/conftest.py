from tests.factories.documents import documents_folder  # noqa: F401  (fixture)
