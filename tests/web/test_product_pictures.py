"""Product pictures through the pages: staff upload, describe, reorder and remove them on
the product form; shoppers see them on the catalogue, the product page, the cart and in
emails; their files are served with long cache headers and nothing else is."""
import re
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ProductPicture
from app.services.notifications import deliver
from tests.support.pictures import SCRIPT_PNG, SVG, picture, real_bomb
from tests.support.rows import changes, snapshot
from tests.support import services
from tests.web.pages import Page

IMG = re.compile(r"<img [^>]*>")
PICTURE_SRC = re.compile(r'src="/pictures/([0-9a-f]{32})-(thumb|large)\.jpg"')


def files(app) -> set[str]:
    return {p.name for p in Path(app.config["PICTURES_DIR"]).iterdir()
            if not p.name.startswith(".")}


def rows(app, sku: str) -> list[tuple]:
    """The product's pictures in order: (position, key, alt text, thumb and large sizes)."""
    def read():
        return [(p.position, p.key, p.alt_text, (p.thumb_width, p.thumb_height),
                 (p.large_width, p.large_height))
                for p in db.session.scalars(
                    select(ProductPicture).join(ProductPicture.product)
                    .where(ProductPicture.product.has(sku=sku))
                    .order_by(ProductPicture.position))]
    with app.app_context():
        try:
            return read()
        finally:
            db.session.remove()


def imgs(html: str) -> list[dict[str, str]]:
    """Each <img> of the page's main part, as its attributes."""
    page = Page(html)
    main = page.root.find("main") or page.root
    return [el.attrs for el in main.find_all("img")]


def save_with(client, sku: str, uploads=(), **changed):
    """Press Save on the product form as shown, with these files in `Pictures`."""
    page = Page(client.get(f"/admin/products/{sku}"))
    data = {**page.form_data("Save"), **changed}
    data["pictures"] = [(BytesIO(content), name) for name, content in uploads]
    return client.post(f"/admin/products/{sku}", data=data,
                       content_type="multipart/form-data")


def button_form(page: Page, text: str, index: int = 0) -> str:
    """The action of the form a picture's button posts (the button names it by id)."""
    buttons = [b for b in page.buttons() if b.text == text]
    form_id = buttons[index].attrs["form"]
    form = page.root.find("form", id=form_id)
    return form.attrs["action"]


@pytest.fixture
def tea(shop):
    return shop.product("TEA-1", on_hand=5, name="Green tea")


def test_pictures_uploaded_on_the_product_form_show_on_the_catalogue_and_product_page(
        app, staff_client, tea):
    response = save_with(staff_client, tea, [("leaves.png", picture(1600, 1200)),
                                             ("cup.jpg", picture(300, 600, fmt="JPEG"))])
    assert response.status_code == 302, Page(response).all_errors()

    (main, main_key, main_alt, main_thumb, main_large), second = rows(app, tea)
    assert (main, main_alt, main_thumb, main_large) == (0, "Green tea", (400, 300), (1200, 900))
    assert second[0] == 1 and second[3:] == ((200, 400), (300, 600))  # never enlarged
    assert {f"{main_key}-thumb.jpg", f"{main_key}-large.jpg"} <= files(app)

    shopper = app.test_client()
    product_imgs = imgs(shopper.get("/products/TEA-1").get_data(as_text=True))
    assert product_imgs[0] == {"class": "picture main", "alt": "Green tea",
                               "src": f"/pictures/{main_key}-large.jpg",
                               "width": "1200", "height": "900"}
    assert product_imgs[1]["src"] == f"/pictures/{second[1]}-thumb.jpg"
    assert (product_imgs[1]["width"], product_imgs[1]["height"]) == ("200", "400")
    card = imgs(shopper.get("/").get_data(as_text=True))
    assert card == [{"class": "picture", "alt": "Green tea",
                     "src": f"/pictures/{main_key}-thumb.jpg", "width": "400", "height": "300"}]
    served = shopper.get(card[0]["src"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data[:3] == b"\xff\xd8\xff"


def test_a_new_product_is_added_with_its_pictures(app, staff_client):
    page = Page(staff_client.get("/admin/products/new"))
    assert page.control("Pictures").attrs["type"] == "file"
    assert "multiple" in page.control("Pictures").attrs
    form = page.root.find("form", action="/admin/products/new")
    assert form.attrs["enctype"] == "multipart/form-data"
    data = {**page.form_data("Save"), "sku": "POT-1", "name": "Teapot", "price": "20.00",
            "on_hand": "1", "pictures": [(BytesIO(picture(50, 50, fmt="WEBP")), "pot.webp")]}

    response = staff_client.post("/admin/products/new", data=data,
                                 content_type="multipart/form-data")

    assert response.status_code == 302, Page(response).all_errors()
    assert [(r[0], r[2], r[3]) for r in rows(app, "POT-1")] == [(0, "Teapot", (50, 50))]


def test_alt_text_is_saved_per_picture_and_read_by_the_pages(app, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40, (1, 2, 3))),
                                  ("b.png", picture(40, 40, (4, 5, 6)))])
    page = Page(staff_client.get("/admin/products/TEA-1"))
    fields = [el for el in page.root.find_all("input") if el.attrs.get("name", "").startswith("alt_")]
    labels = page.labels()
    assert len(fields) == 2 and "Alt text" in labels
    assert [f.attrs["value"] for f in fields] == ["Green tea", "Green tea"]

    response = save_with(staff_client, tea, **{fields[0].attrs["name"]: "Loose green tea leaves",
                                               fields[1].attrs["name"]: "  A cup of tea  "})

    assert response.status_code == 302
    assert [r[2] for r in rows(app, tea)] == ["Loose green tea leaves", "A cup of tea"]
    assert 'alt="Loose green tea leaves"' in app.test_client().get("/").get_data(as_text=True)


def test_an_alt_text_too_long_comes_back_next_to_its_field(app, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40))])
    before = snapshot(app)

    response = save_with(staff_client, tea, **{
        f"alt_{services_picture_id(app, tea)}": "x" * 301})

    assert response.status_code == 400
    assert Page(response).errors("Alt text") == ["Use at most 300 characters"]
    assert changes(before, snapshot(app)) == {}


def services_picture_id(app, sku: str) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(ProductPicture.id).join(ProductPicture.product)
                                     .where(ProductPicture.product.has(sku=sku)))
        finally:
            db.session.remove()


def test_remove_picture_deletes_its_files_and_the_next_becomes_the_main_one(app, staff_client,
                                                                            tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40, (10, 10, 10))),
                                  ("b.png", picture(40, 40, (20, 20, 20)))])
    first, second = [r[1] for r in rows(app, tea)]
    page = Page(staff_client.get("/admin/products/TEA-1"))
    assert [b.text for b in page.buttons()].count("Remove picture") == 2
    assert [b.text for b in page.buttons()].count("Make main picture") == 1

    response = staff_client.submit(button_form(page, "Remove picture", 0))

    assert response.status_code == 302
    assert "Picture removed" in Page(staff_client.get("/admin/products/TEA-1")).flashes()
    assert [(r[0], r[1]) for r in rows(app, tea)] == [(0, second)]
    assert not {f"{first}-thumb.jpg", f"{first}-large.jpg"} & files(app)
    assert {f"{second}-thumb.jpg", f"{second}-large.jpg"} <= files(app)
    assert f"/pictures/{second}-thumb.jpg" in app.test_client().get("/").get_data(as_text=True)


def test_a_picture_two_products_share_keeps_its_files_until_neither_shows_it(app, staff_client,
                                                                            shop, tea):
    shop.product("TEA-2", on_hand=1, name="Other tea")
    same = picture(40, 40, (90, 90, 90))
    save_with(staff_client, tea, [("a.png", same)])
    save_with(staff_client, "TEA-2", [("a.png", same)])
    (key,) = {r[1] for r in rows(app, tea) + rows(app, "TEA-2")}

    staff_client.submit(button_form(Page(staff_client.get("/admin/products/TEA-1")),
                                    "Remove picture"))
    assert f"{key}-thumb.jpg" in files(app)  # TEA-2 still shows it

    staff_client.submit(button_form(Page(staff_client.get("/admin/products/TEA-2")),
                                    "Remove picture"))
    assert f"{key}-thumb.jpg" not in files(app)


def test_make_main_picture_moves_it_first(app, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40, (1, 1, 1))),
                                  ("b.png", picture(40, 40, (2, 2, 2))),
                                  ("c.png", picture(40, 40, (3, 3, 3)))])
    a, b, c = [r[1] for r in rows(app, tea)]

    response = staff_client.submit(button_form(Page(staff_client.get("/admin/products/TEA-1")),
                                               "Make main picture", 1))

    assert response.status_code == 302
    assert [(r[0], r[1]) for r in rows(app, tea)] == [(0, c), (1, a), (2, b)]
    assert f"/pictures/{c}-thumb.jpg" in app.test_client().get("/").get_data(as_text=True)


def test_a_picture_already_removed_is_said_so_and_nothing_changes(app, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40))])
    action = button_form(Page(staff_client.get("/admin/products/TEA-1")), "Remove picture")
    staff_client.submit(action)
    before = snapshot(app)

    response = staff_client.submit(action, follow_redirects=True)

    assert "That picture was already removed" in Page(response).flashes()
    assert changes(before, snapshot(app)) == {}


def test_the_picture_buttons_need_the_csrf_token_and_a_sign_in(app, client, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40))])
    action = button_form(Page(staff_client.get("/admin/products/TEA-1")), "Remove picture")
    before = snapshot(app)

    assert staff_client.post(action).status_code == 400  # no CSRF token
    assert app.test_client().post(action).status_code in (302, 400)
    assert changes(before, snapshot(app)) == {}


NOISE = bytes(range(256)) * 40


@pytest.mark.parametrize("name, content, message", [
    ("script.png", SCRIPT_PNG, "script.png: Choose a JPEG, PNG or WebP picture"),
    ("drawing.svg", SVG, "drawing.svg: Choose a JPEG, PNG or WebP picture"),
    ("anim.gif", picture(10, 10, fmt="GIF"), "anim.gif: Choose a JPEG, PNG or WebP picture"),
    ("cut.jpg", picture(300, 300, fmt="JPEG", quality=95)[:2000],
     "cut.jpg: This picture is damaged or incomplete: save it again and upload that"),
    ("bomb.png", real_bomb(),
     "bomb.png: This picture has too many pixels: at most 40,000,000 in all"),
    ("big.png", picture(300, 300, 9, mode="L", compress_level=0),
     "big.png: a picture may be at most 64 KB"),
    ("empty.png", b"", "empty.png: This file is empty"),
])
def test_an_upload_that_is_not_a_picture_we_take_comes_back_with_a_message_and_saves_nothing(
        app, staff_client, tea, monkeypatch, name, content, message):
    monkeypatch.setitem(app.config, "PICTURE_MAX_BYTES", 64 * 1024)
    save_with(staff_client, tea, [("kept.png", picture(40, 40, (7, 7, 7)))])
    before, stored = snapshot(app), files(app)

    response = save_with(staff_client, tea, [("fine.png", picture(30, 30, (8, 8, 8))),
                                             (name, content)], name="Renamed tea")

    assert response.status_code == 400
    assert Page(response).errors("Pictures") == [message]
    assert changes(before, snapshot(app)) == {}
    assert files(app) == stored


def test_more_pictures_than_a_product_holds_are_refused(app, staff_client, tea):
    before = snapshot(app)
    uploads = [(f"{i}.png", picture(10, 10, (i, i, i))) for i in range(13)]

    response = save_with(staff_client, tea, uploads)

    assert response.status_code == 400
    assert Page(response).errors("Pictures") == ["A product has at most 12 pictures"]
    assert changes(before, snapshot(app)) == {}


def test_a_request_beyond_what_the_shop_takes_at_once_is_refused_with_413(app, staff_client,
                                                                         tea, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    before = snapshot(app)

    response = save_with(staff_client, tea, [("a.png", picture(10, 10) + b"\0" * 20_000)])

    assert response.status_code == 413
    assert "Too large" in Page(response).text
    assert changes(before, snapshot(app)) == {}


def test_a_picture_file_is_served_as_an_immutable_jpeg_for_a_year(app, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40))])
    key = rows(app, tea)[0][1]

    for size in ("thumb", "large"):
        response = app.test_client().get(f"/pictures/{key}-{size}.jpg")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        assert set(response.headers["Cache-Control"].replace(" ", "").split(",")) == {
            "public", "max-age=31536000", "immutable"}
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers
        assert response.headers.get("ETag")


def test_no_path_reaches_beyond_the_picture_files(app, staff_client, tea):
    save_with(staff_client, tea, [("a.png", picture(40, 40))])
    key = rows(app, tea)[0][1]
    folder = Path(app.config["PICTURES_DIR"])
    (folder.parent / "secret.txt").write_text("secret")
    (folder / "notes.txt").write_text("not a picture")
    shopper = app.test_client()

    for path in ["/pictures/../secret.txt", "/pictures/..%2Fsecret.txt",
                 "/pictures/%2e%2e%2fsecret.txt", "/pictures/notes.txt",
                 f"/pictures/{key}-thumb.png", f"/pictures/{key.upper()}-thumb.jpg",
                 f"/pictures/{key}-huge.jpg", f"/pictures/{key}-thumb.jpg%00",
                 f"/pictures/{key}-thumb.jpg/", "/pictures/" + "0" * 32 + "-thumb.jpg",
                 f"/pictures/.{key}-thumb.jpg", f"/pictures/{key}-thumb.jpg%0A"]:
        response = shopper.get(path)
        assert response.status_code in (400, 404), path
        assert b"secret" not in response.data and b"not a picture" not in response.data


def test_a_product_without_a_picture_shows_the_placeholder_saying_nothing(client, shop):
    shop.product("BARE-1", on_hand=1)

    for url in ("/", "/products/BARE-1"):
        (img,) = imgs(client.get(url).get_data(as_text=True))
        assert img["alt"] == "" and img["src"] == "/static/placeholder.svg"
        assert (img["width"], img["height"]) == ("400", "400")
    assert client.get("/static/placeholder.svg").status_code == 200


def test_the_cart_shows_each_lines_main_picture(app, client, staff_client, shop, tea):
    shop.product("BARE-1", on_hand=1, name="Plain cup")
    save_with(staff_client, tea, [("a.png", picture(800, 400))])
    key = rows(app, tea)[0][1]
    shopper = app.test_client()
    for sku in ("TEA-1", "BARE-1"):
        shopper.submit(f"/cart/add/{sku}", {"quantity": "1"})

    cart = imgs(shopper.get("/cart").get_data(as_text=True))

    by_src = {img["src"]: img for img in cart}
    assert len(cart) == 2
    tea_img = by_src[f"/pictures/{key}-thumb.jpg"]
    assert (tea_img["alt"], tea_img["width"], tea_img["height"]) == ("Green tea", "400", "200")
    assert by_src["/static/placeholder.svg"]["alt"] == ""


def test_emails_show_the_items_pictures_from_the_shops_address(app, staff_client, shop, tea,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_URL", "https://shop.example.com")
    shop.product("BARE-1", on_hand=1, name="Plain cup")
    save_with(staff_client, tea, [("a.png", picture(800, 400))])
    key = rows(app, tea)[0][1]
    shop.order({"TEA-1": 2, "BARE-1": 1})

    with app.app_context():
        (email,) = services.outbox()
        html, text_body = email.html, email.body
        db.session.expunge(email)
        monkeypatch.setitem(app.config, "MAIL_SERVER", "")
        deliver(email)  # builds the message; with no mail server, writes it to the log
        db.session.remove()

    (img,) = IMG.findall(html)
    assert f'src="https://shop.example.com/pictures/{key}-thumb.jpg"' in img
    assert 'alt="Green tea"' in img and 'width="80"' in img and 'height="40"' in img
    line = next(l for l in html.splitlines() if "TEA-1" in l)
    assert line.index("<img") < line.index("2 x Green tea (TEA-1)")
    assert "<img" not in next(l for l in html.splitlines() if "BARE-1" in l)
    assert "<a href=\"https://shop.example.com/orders/" in html
    assert "<img" not in text_body and "Green tea" in text_body


def test_a_save_that_fails_after_writing_the_files_leaves_none_of_them(app, shop, monkeypatch):
    from app.pictures.images import prepare
    from app.services import catalog, pictures
    from tests.faults.test_rollback import shop_product
    shop.product("TEA-1", on_hand=1)
    new = prepare(picture(30, 30, (123, 45, 67)))
    names = {f"{new.key}-thumb.jpg", f"{new.key}-large.jpg"}
    stored = files(app)
    seen = []

    def fails(*args, **kwargs):
        seen.append(names <= files(app))  # written before the transaction
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pictures, "add", fails)
    with app.app_context():
        with pytest.raises(RuntimeError):
            catalog.update_product("TEA-1", shop_product("TEA-1"), None, new_pictures=[new])
        db.session.remove()

    assert seen == [True]
    assert files(app) == stored
    assert rows(app, "TEA-1") == []


def test_alt_text_and_names_are_escaped_on_the_pages_and_in_the_email(app, staff_client, shop):
    script = '"><script>alert(1)</script>'
    shop.product("TEA-1", on_hand=3, name=f"Tea {script}")
    save_with(staff_client, "TEA-1", [("a.png", picture(40, 40))])
    alt_name = next(name for name in Page(staff_client.get("/admin/products/TEA-1"))
                    .form_data("Save") if name.startswith("alt_"))
    save_with(staff_client, "TEA-1", **{alt_name: f"Leaves {script}"})
    shop.order({"TEA-1": 1})

    pages = [app.test_client().get(url).get_data(as_text=True)
             for url in ("/", "/products/TEA-1")]
    pages.append(staff_client.get("/admin/products/TEA-1").get_data(as_text=True))
    with app.app_context():
        pages.append(services.outbox()[0].html)
        db.session.remove()
    for html in pages:
        assert "<script>alert(1)</script>" not in html
        assert 'alt="Leaves &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_prune_pictures_deletes_only_old_files_no_product_shows(app, staff_client, tea,
                                                                 monkeypatch, tmp_path):
    import os
    import time
    from app.pictures import files as picture_files
    from app.pictures.images import prepare
    monkeypatch.setitem(app.config, "PICTURES_DIR", str(tmp_path))  # this test's files only
    save_with(staff_client, tea, [("a.png", picture(40, 40, (11, 22, 33)))])
    shown = rows(app, tea)[0][1]
    old, young = prepare(picture(9, 9, (1, 0, 0))), prepare(picture(9, 9, (0, 1, 0)))
    with app.app_context():
        picture_files.save(old)
        picture_files.save(young)
        an_hour_ago = time.time() - 3601
        for name in (f"{old.key}-thumb.jpg", f"{old.key}-large.jpg",
                     f"{shown}-thumb.jpg", f"{shown}-large.jpg"):
            os.utime(Path(app.config["PICTURES_DIR"]) / name, (an_hour_ago, an_hour_ago))

    result = app.test_cli_runner().invoke(args=["prune-pictures"])

    assert result.exit_code == 0, result.output
    assert "Deleted the files of 1 picture no product shows." in result.output
    left = files(app)
    assert not {f"{old.key}-thumb.jpg", f"{old.key}-large.jpg"} & left
    assert {f"{young.key}-thumb.jpg", f"{shown}-thumb.jpg", f"{shown}-large.jpg"} <= left


def test_files_deleted_by_another_removal_while_a_save_was_uncommitted_are_written_again(
        app, shop, monkeypatch):
    """Two products, one picture: staff remove it from one product just as another
    uploads it to a second. Whatever order the commits come in, the files stay."""
    from app.pictures import files as picture_files
    from app.pictures.images import prepare
    from app.services import catalog, pictures
    from tests.faults.test_rollback import shop_product
    shop.product("TEA-1", on_hand=1)
    new = prepare(picture(30, 30, (200, 100, 50)))
    original_add = pictures.add

    def add_after_the_files_went(product, uploads, alt_text):
        picture_files.delete([new.key])  # the other removal's cleanup, in between
        return original_add(product, uploads, alt_text)

    monkeypatch.setattr(pictures, "add", add_after_the_files_went)
    with app.app_context():
        catalog.update_product("TEA-1", shop_product("TEA-1"), None, new_pictures=[new])
        db.session.remove()

    assert {f"{new.key}-thumb.jpg", f"{new.key}-large.jpg"} <= files(app)
    assert app.test_client().get(f"/pictures/{new.key}-large.jpg").status_code == 200
