def test_catalogue_shows_backorder_button_once_out_of_stock_checkout_is_on(client, shop):
    shop.product("POT-1", on_hand=0)
    assert "Out Of Stock" in client.get("/").get_data(as_text=True)
    shop.settings(out_of_stock_checkout=True)
    page = client.get("/").get_data(as_text=True)
    assert ">Backorder</button>" in page
    assert "Out Of Stock" not in page
