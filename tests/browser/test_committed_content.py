"""What a tenant commits is data: a committed HTML page opened in a real browser, from
the repository and from Trac, runs none of its scripts on the site's origin."""
import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.svnclient import SvnClient

PASSWORD = "mallory-secret-1"
# Were the page's script to run, it would name the visitor's cookies in the title.
PAGE = ("<html><head><title>inert</title></head><body><p id='page'>committed</p>"
        "<script>document.title = 'ran: ' + document.cookie</script></body></html>")


@pytest.fixture(scope="module")
def committed_page(running_site, tmp_path_factory):
    running_site.admin("user", "add", "mallory", "--email", "mallory@example.com",
          input=PASSWORD + "\n")
    running_site.admin("project", "add", "lure", "--owner", "mallory")
    svn = SvnClient(running_site.http_url, tmp_path_factory.mktemp("svn"))
    wc = svn.checkout("lure", user="mallory", password=PASSWORD)
    svn.add_file(wc, "page.html", PAGE)
    svn.run("propset", "svn:mime-type", "text/html", str(wc / "page.html"))
    svn.commit(wc, "A page", user="mallory", password=PASSWORD)
    return f"{running_site.http_url}/svn/lure/page.html"


def test_committed_html_runs_no_script(running_site, browser, committed_page):
    browser.get(f"{running_site.http_url}/login")          # a cookie of the site's own origin
    browser.add_cookie({"name": "probe", "value": "visible-to-the-site"})
    browser.get(committed_page)
    WebDriverWait(browser, 10).until(lambda driver: "committed" in driver.page_source)
    assert browser.title == "inert"
    # The sandbox gives the page an opaque origin: even a script that did run there
    # could not read the site's cookies.
    assert browser.execute_script("return window.origin") == "null"
