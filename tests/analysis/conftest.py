from tests.archive.conftest import archive_store  # noqa: F401  (the archive's fixture: a clean archive)
