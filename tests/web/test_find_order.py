"""Find my order: the status link goes to the order's email, never onto the page."""
import pytest
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail
from app.throttle import Counts
from tests.web.pages import Page

SAID = ("If that order number and email match an order, we have sent the link to follow it "
        "to that email address.")


@pytest.fixture
def placed(shop) -> tuple[str, str]:
    """An order by sam@example.com: its reference and status token."""
    shop.product("TEA-1", on_hand=5)
    reference, _ = shop.order({"TEA-1": 1}, email="sam@example.com")
    return reference, shop.status_token(reference)


def sent(shop) -> list[tuple[str, str, str]]:
    return shop.read(lambda: [(e.to, e.subject, e.body) for e in db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.like("Your link%")))])


def ask(client, reference: str, email: str):
    return client.submit("/orders/find", {"reference": reference, "email": email})


@pytest.mark.parametrize("reference, email", [
    ("N1001", "sam@example.com"),
    ("n1001", " Sam@Example.com "),
], ids=["as-written", "any-case"])
def test_a_matching_order_number_and_email_get_the_status_link_by_email(client, shop, placed,
                                                                       reference, email):
    number, token = placed
    answer = ask(client, reference, email)

    assert answer.status_code == 302
    page = client.get(answer.headers["Location"])
    assert Page(page).flashes() == [SAID]
    assert token not in page.get_data(as_text=True)
    [(to, subject, body)] = sent(shop)
    assert (to, subject) == ("sam@example.com", f"Your link to follow order {number}")
    assert f"/orders/{token}" in body


@pytest.mark.parametrize("reference, email", [
    ("N1001", "someone@example.com"),   # another email
    ("N9999", "sam@example.com"),       # no such order
    ("N1001-1", "sam@example.com"),     # no such backorder
], ids=["wrong-email", "unknown-number", "unknown-backorder"])
def test_a_mismatch_gets_the_very_same_answer_and_no_email(client, shop, placed, reference,
                                                           email):
    answer = ask(client, reference, email)
    matched = ask(client, "N1001", "sam@example.com")

    assert (answer.status_code, answer.headers["Location"]) == \
        (matched.status_code, matched.headers["Location"])
    page = Page(client.get(answer.headers["Location"]))
    assert page.flashes() == [SAID, SAID]  # both answers, flashed alike
    assert [to for to, _, _ in sent(shop)] == ["sam@example.com"]  # the match's email only


@pytest.mark.parametrize("data, label, message", [
    ({"reference": "", "email": "sam@example.com"}, "Order number", "Enter your order number"),
    ({"reference": "N1001", "email": ""}, "Email", "Enter the email you ordered with"),
    ({"reference": "N1001", "email": "sam@"}, "Email", "Enter a valid email address"),
    ({"reference": "N" * 41, "email": "sam@example.com"}, "Order number",
     "Field cannot be longer than 40 characters."),
])
def test_bad_input_comes_back_with_a_message_by_the_field_and_sends_nothing(
        client, shop, placed, data, label, message):
    answer = client.submit("/orders/find", data)
    assert answer.status_code == 400
    assert Page(answer).errors(label) == [message]
    assert sent(shop) == []


def test_the_form_posts_with_a_csrf_token_only(client, placed, shop):
    answer = client.post("/orders/find", data={"reference": "N1001", "email": "sam@example.com"})
    assert answer.status_code == 400
    assert sent(shop) == []


def test_the_find_order_form_has_labelled_fields_and_a_button(client):
    page = Page(client.get("/orders/find"))
    assert sorted(page.labels()) == ["Email", "Order number"]
    assert page.control("Email").attrs["type"] == "email"
    assert page.button_texts() == ["Email me the link"]


def test_asking_too_often_from_one_address_is_refused_with_a_clear_message(
        app, client, shop, placed, monkeypatch):
    memory = FixedWindowRateLimiter(MemoryStorage())
    monkeypatch.setitem(app.extensions, "limiter", Counts(memory, memory, "test", True))
    monkeypatch.setitem(app.config, "FIND_ORDER_RATE_LIMIT", "3 per 10 minutes")
    for _ in range(3):
        assert ask(client, "N9999", "sam@example.com").status_code == 302

    refused = ask(client, "N1001", "sam@example.com")

    assert refused.status_code == 429
    assert "Too many attempts from your address. Try again in 10 minutes." in Page(refused).text
    assert int(refused.headers["Retry-After"]) > 0
    assert sent(shop) == []


def test_the_storefront_and_a_missing_status_page_link_to_find_my_order(client, shop):
    shop.product("TEA-1", on_hand=5)
    for path in ("/", "/", "/products/TEA-1", "/cart"):  # the second catalogue is a kept page
        assert Page(client.get(path)).links()["Find my order"] == "/orders/find"
    missing = client.get("/orders/no-such-token")
    assert missing.status_code == 404
    assert Page(missing).links()["find my order"] == "/orders/find"
