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
def signed_in(running_site, browser):
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
def test_dashboard_pages_work_under_their_csp(running_site, signed_in, path):
    signed_in.get(running_site.http_url + path)
    header = find(signed_in, "header.site-header")
    # The stylesheet, a file under /static, applied: the header is laid out by it.
    assert header.value_of_css_property("display") == "flex"
    assert signed_in.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet]")
    assert _csp_reports(signed_in) == []


def test_another_site_cannot_frame_the_dashboard(running_site, signed_in):
    """Clickjacking: another origin's page shows the signed-in account page in a frame.
    The browser refuses to render it there and puts its own error page in its place."""
    signed_in.get(f"data:text/html,<iframe src='{running_site.http_url}/account'></iframe>")
    signed_in.switch_to.frame(find(signed_in, "iframe"))
    try:
        wait(signed_in).until(lambda driver: driver.execute_script(
            "return document.readyState") == "complete")
        location = signed_in.execute_script("return location.href")
        assert location.startswith("chrome-error://"), location
        assert signed_in.find_elements(By.CSS_SELECTOR, "header.site-header") == []
    finally:
        signed_in.switch_to.default_content()
