"""path_for, the cheap url_for for links drawn many times on a page, builds the same paths."""
import pytest
from flask import url_for

from app.templating import path_for


@pytest.mark.parametrize("endpoint, name, value", [
    ("shop.product", "sku", "TEA-001"),
    ("shop.product", "sku", "a b/c?d#e%f&g+h"),
    ("cart.add", "sku", "Thé vert ☕"),
    ("admin.order", "reference", "N1354-2"),
    ("admin.order", "reference", "<script>"),
])
def test_path_for_builds_the_path_url_for_builds(app, endpoint, name, value):
    with app.test_request_context("/"):
        assert path_for(endpoint, **{name: value}) == url_for(endpoint, **{name: value})
        assert path_for(endpoint, **{name: value}) == url_for(endpoint, **{name: value})


@pytest.mark.parametrize("endpoint", ["shop.catalogue", "cart.view", "shop.find_order",
                                      "admin.home"])
def test_path_for_without_a_value_builds_the_path_url_for_builds(app, endpoint):
    with app.test_request_context("/"):
        assert path_for(endpoint) == url_for(endpoint)
        assert path_for(endpoint) == url_for(endpoint)  # the kept path, the second time


def test_path_for_a_static_file_is_url_for_its_path(app):
    with app.test_request_context("/"):
        for filename in ("shop.css", "vendor/pico-2.1.1/pico.min.css", "placeholder.svg"):
            assert path_for("static", filename=filename) == url_for("static", filename=filename)
