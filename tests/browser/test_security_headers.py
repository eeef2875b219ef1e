"""The dashboard's pages under their Content Security Policy (`default-src 'self'`, no
inline code) in a real browser: every page works and the console reports no violation;
a page of another origin cannot frame the site (clickjacking)."""
import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import OPERATOR_ADMIN
from tests.support.chromium import find, submit, wait, wait_for_url

PAGES = ["/", "/signup", "/reset", "/dashboard", "/dashboard/new", "/dashboard/shield",
         "/account", "/account/tokens", "/admin", "/admin/users", "/admin/projects",
         "/admin/audit", "/no-such-page", "/logout"]


@pytest.fixture(scope="module")
def admin_chromium(running_site, browser):
    running_site.admin("project", "add", "shield", "--owner", OPERATOR_ADMIN["username"])
    browser.get(f"{running_site.http_url}/login")
    browser.get_log("browser")                            # start from a clean console
    submit(browser, "form[action='/login']", {"username": OPERATOR_ADMIN["username"],
                                               "password": OPERATOR_ADMIN["password"]})
    wait_for_url(browser, f"{running_site.http_url}/dashboard")
    return browser


def _csp_reports(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser")
            if "Content Security Policy" in entry["message"]]


@pytest.mark.parametrize("path", PAGES)
def test_dashboard_pages_work_under_their_csp(running_site, admin_chromium, path):
    admin_chromium.get(running_site.http_url + path)
    header = find(admin_chromium, "header.site-header")
    # The stylesheet, a file under /static, applied: the header is laid out by it.
    assert header.value_of_css_property("display") == "flex"
    assert admin_chromium.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet]")
    assert _csp_reports(admin_chromium) == []


def test_another_site_cannot_frame_the_dashboard(running_site, admin_chromium):
    """Clickjacking: another origin's page shows the signed-in account page in a frame.
    The browser refuses to render it there and puts its own error page in its place."""
    admin_chromium.get(f"data:text/html,<iframe src='{running_site.http_url}/account'></iframe>")
    admin_chromium.switch_to.frame(find(admin_chromium, "iframe"))
    try:
        wait(admin_chromium).until(lambda driver: driver.execute_script(
            "return document.readyState") == "complete")
        location = admin_chromium.execute_script("return location.href")
        assert location.startswith("chrome-error://"), location
        assert admin_chromium.find_elements(By.CSS_SELECTOR, "header.site-header") == []
    finally:
        admin_chromium.switch_to.default_content()
