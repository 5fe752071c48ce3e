from tests.trash_home import trash_home  # noqa: F401 (a fixture for tests/core/*)
