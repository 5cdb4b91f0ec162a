from patients.tests.language import speaking  # noqa: F401 - a fixture for these tests
