"""The email outbox: written with the change, delivered to a real SMTP server on loopback."""
import logging
from datetime import date

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import OutboxEmail
from app.services.notifications import MAX_ATTEMPTS, send_due

from tests.support.services import order, outbox, place


@pytest.mark.parametrize("arrival, expected", [
    (date(2030, 3, 15), "2 waiting for stock, expected 15 Mar 2030"),
    (None, "2 waiting for stock\n"),
], ids=["with a date of arrival", "without"])
def test_checkout_writes_the_order_placed_email_with_the_backorder_and_its_arrival(
        ctx, shop, arrival, expected):
    shop.settings(out_of_stock_checkout=True, create_backorder=True, show_arrival_date=True)
    shop.product("CUP-1", on_hand=5, name="Stoneware cup")
    shop.product("POT-1", on_hand=0, name="Cast iron teapot", arrival=arrival)

    place({"CUP-1": 1, "POT-1": 2})

    [email] = outbox()
    assert (email.to, email.subject, email.order.reference, email.sent_at, email.attempts) == \
        ("shopper@example.com", "Your order N1001 is placed", "N1001", None, 0)
    assert "These items are on backorder N1002 and ship when they arrive" in email.body
    assert "- 2 x Cast iron teapot (POT-1)" in email.body
    assert expected in email.body
    assert ("expected" in email.body) == (arrival is not None)
    assert order("N1001").token in email.body


def test_checkout_without_a_split_says_which_units_wait_and_when_they_arrive(ctx, shop):
    shop.settings(out_of_stock_checkout=True, show_arrival_date=True)
    shop.product("POT-1", on_hand=1, name="Cast iron teapot", arrival=date(2030, 3, 15))

    place({"POT-1": 3})

    [email] = outbox()
    assert "- 3 x Cast iron teapot (POT-1), $30.00: 2 waiting for stock, expected 15 Mar 2030" \
        in email.body


def test_send_due_delivers_an_email_once(ctx, shop, mail_server):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})

    assert send_due() == (1, 0)
    assert send_due() == (0, 0)

    [message] = mail_server.received
    [email] = outbox()
    assert (message["To"], message["Subject"]) == ("shopper@example.com", email.subject)
    assert message["From"] == ctx.config["MAIL_FROM"]
    # The text, and the same email as HTML (with the items' pictures) as its alternative.
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.iter_parts()
    assert text_part.get_content_type() == "text/plain"
    assert text_part.get_content().replace("\r\n", "\n").strip() == email.body.strip()
    assert html_part.get_content_type() == "text/html"
    assert html_part.get_content().replace("\r\n", "\n").strip() == email.html.strip()
    assert (email.sent_at is not None, email.attempts, email.last_error) == (True, 1, "")


def test_an_email_the_server_could_not_take_stays_in_the_outbox_until_it_can(ctx, shop,
                                                                            mail_server):
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    place({"TEA-1": 1})

    assert send_due() == (0, 2)
    assert [(e.sent_at, e.attempts, bool(e.last_error)) for e in outbox()] == \
        [(None, 1, True), (None, 1, True)]

    mail_server.start()
    assert send_due() == (2, 0)
    assert send_due() == (0, 0)

    assert sorted(mail_server.subjects) == ["Your order N1001 is placed",
                                            "Your order N1002 is placed"]
    assert [(e.sent_at is not None, e.attempts) for e in outbox()] == [(True, 2), (True, 2)]


def test_an_email_that_failed_too_often_is_not_tried_again(ctx, shop, mail_server):
    mail_server.start()
    shop.product("TEA-1", on_hand=5)
    place({"TEA-1": 1})
    db.session.execute(update(OutboxEmail).values(attempts=MAX_ATTEMPTS))
    db.session.commit()

    assert send_due() == (0, 0)
    assert mail_server.received == []


@pytest.mark.parametrize("server_up, output, received", [
    (True, "Sent 1, failed 0", 1),
    (False, "Sent 0, failed 1", 0),
])
def test_flask_send_mail_sends_the_outbox(app, shop, mail_server, server_up, output, received):
    shop.product("TEA-1", on_hand=5)
    shop.order({"TEA-1": 1})
    if server_up:
        mail_server.start()

    result = app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert output in result.output
    assert len(mail_server.received) == received
    assert shop.read(lambda: [e.sent_at is not None for e in outbox()]) == [server_up]


def test_with_no_mail_server_the_log_shows_the_email_as_its_reader_sees_it(
        ctx, shop, monkeypatch, caplog):
    """Decoded, not MIME: accents as written and the status link whole, on one line."""
    shop_url = "http://127.0.0.1:8000/a-shop-behind-a-proxy-with-a-long-path/and-more-of-it"
    monkeypatch.setitem(ctx.config, "SHOP_URL", shop_url)
    shop.product("TEA-1", on_hand=5, name="Thé vert")
    place({"TEA-1": 2}, email="zoe@example.com")
    status_link = f"{shop_url}/orders/{order('N1001').token}"

    with caplog.at_level(logging.INFO, logger="app.services.notifications"):
        assert send_due() == (1, 0)

    [logged] = [record.getMessage() for record in caplog.records
                if record.name == "app.services.notifications"]
    assert "From: shop@localhost\nTo: zoe@example.com\nSubject: Your order N1001 is placed\n" \
        in logged
    assert "- 2 x Thé vert (TEA-1)" in logged
    assert f"Follow your order: {status_link}\n" in logged
    assert "=C3" not in logged and "=\n" not in logged and "Content-Transfer-Encoding" not in logged
