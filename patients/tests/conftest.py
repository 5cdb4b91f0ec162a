from patients.tests.language import default_language, speaking  # noqa: F401 - fixtures
