from zugong.development.tests.support import world  # noqa: F401 - shared fixture
