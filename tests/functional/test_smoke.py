def test_first_signup_is_admin(admin_browser):
    page = admin_browser.get("/admin")
    assert page.status_int == 200
