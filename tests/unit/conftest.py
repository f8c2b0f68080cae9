"""The domain needs no app and no database: switch off the suite-wide database fixtures."""
import pytest


@pytest.fixture(autouse=True)
def clean_database():
    """Nothing to empty: unit tests never open the database."""


@pytest.fixture(autouse=True)
def templates_never_query():
    """No templates render here."""
