"""`flask seed-demo`: the demo shop, and a sign-in link that works where the shop runs."""
import re

SIGN_IN = re.compile(r"Sign in at (\S+) as (\S+) with password (\S+)")


def test_seed_demo_prints_a_sign_in_link_on_the_shops_address_that_signs_the_admin_in(
        app, client, monkeypatch):
    """`make run PORT=8000` serves on 8000 and sets SHOP_URL to match: so does the link."""
    monkeypatch.setitem(app.config, "SHOP_URL", "http://127.0.0.1:8000")

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Demo shop loaded: 8 products." in result.output
    link, email, password = SIGN_IN.search(result.output).groups()
    assert link == "http://127.0.0.1:8000/admin/login"
    assert client.get(link).status_code == 200
    assert client.sign_in(email, password).status_code == 302
    assert "Sign out" in client.get("/admin/").get_data(as_text=True)


def test_seed_demo_run_again_keeps_the_data_and_says_so(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output
    assert "Sign in at" not in again.output


def test_the_demo_shop_has_categories_to_filter_by(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    page = client.get("/").get_data(as_text=True)
    for name, slug in [("Tea", "tea"), ("Green tea", "green-tea"), ("Teaware", "teaware"),
                       ("Gifts", "gifts")]:
        assert f'<a href="/?category={slug}">{name}</a>' in page
    gifts = client.get("/?category=gifts").get_data(as_text=True)
    assert "Stoneware cup" in gifts and "Tea caddy" in gifts and "Assam" not in gifts
