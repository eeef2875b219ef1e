"""A person's first hour on a new site, in a real browser against the real Apache:
the administrator signs in, creates a project, adds a colleague who signed up, visits
Trac and logs out from there."""
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from devjavu.settings import SOURCE_ROOT
from tests.browser.conftest import OPERATOR_ADMIN

ARTIFACTS = SOURCE_ROOT / "test-artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WAIT_SECONDS = 20   # the first request to a project opens its Trac environment

ALICE = OPERATOR_ADMIN
BOB = {"username": "bob", "email": "bob@example.com", "password": "bob-secret-12"}


def wait(driver):
    return WebDriverWait(driver, WAIT_SECONDS)


def find(driver, css):
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_for_url(driver, url):
    try:
        wait(driver).until(EC.url_to_be(url))
    except TimeoutException:
        raise AssertionError(f"expected {url}, but the browser is at "
                             f"{driver.current_url}") from None


def submit(driver, form_css, fields=None):
    """Type into the form's fields and press its submit button, as a person would, then
    wait until the browser has left the page (the form goes stale)."""
    form = find(driver, form_css)
    for name, value in (fields or {}).items():
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # While the old document is being replaced, chromedriver may answer "node does not
    # belong to the document" instead of "stale element": ask again until it is stale.
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=[WebDriverException]).until(
        EC.staleness_of(form))


def log_out_from_header(driver):
    submit(driver, "header.site-header form[action='/logout']")
    find(driver, "header.site-header a[href='/login']")


def screenshot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path)), f"no screenshot for {name}"
    return path


def assert_png(path):
    with open(path, "rb") as f:
        assert f.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE, f"{path} is not a PNG"
    assert path.stat().st_size > 1000, f"{path} is nearly empty"


def test_signup_fields_have_visible_labels(site, browser):
    browser.get(f"{site.http_url}/signup")
    fields = [f for f in browser.find_elements(By.CSS_SELECTOR, "form [name]")
              if f.get_attribute("name") not in ("csrf_token", "came_from")]
    assert {f.get_attribute("name") for f in fields} >= {"username", "email", "password"}
    for field in fields:
        field_id = field.get_attribute("id")
        labels = browser.find_elements(By.CSS_SELECTOR, f"label[for='{field_id}']")
        assert field_id and labels, f"{field.get_attribute('name')} has no label"
        assert labels[0].is_displayed() and labels[0].text.strip()
    # Screen readers pick the voice from the page's language.
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"


def test_first_hour_on_a_new_site(site, browser):
    base = site.http_url

    # The administrator the operator made on the server signs in.
    browser.get(f"{base}/login")
    submit(browser, "form[action='/login']",
           {"username": ALICE["username"], "password": ALICE["password"]})
    wait_for_url(browser, f"{base}/dashboard")
    find(browser, "header.site-header a[href='/admin']")

    browser.get(f"{base}/dashboard/new")
    find(browser, "input[name=visibility][value=public]").click()
    submit(browser, "form[action='/dashboard/new']",
           {"name": "rocket", "description": "Our rocket's flight software"})
    wait_for_url(browser, f"{base}/dashboard/rocket?created=1")
    assert f"svn checkout {base}/svn/rocket" in find(browser, "pre.command").text

    # A colleague signs up on their own; then alice comes back to add them.
    log_out_from_header(browser)
    browser.get(f"{base}/signup")
    submit(browser, "form[action='/signup']", BOB)
    wait_for_url(browser, f"{base}/dashboard")
    log_out_from_header(browser)
    browser.get(f"{base}/login")
    submit(browser, "form[action='/login']",
           {"username": ALICE["username"], "password": ALICE["password"]})
    wait_for_url(browser, f"{base}/dashboard")
    assert "rocket" in find(browser, "table.projects-table").text
    dashboard_png = screenshot(browser, "dashboard.png")

    browser.get(f"{base}/dashboard/rocket")
    members_form = "form[action='/dashboard/rocket/members']"
    Select(find(browser, f"{members_form} select[name=role]")).select_by_value("developer")
    submit(browser, members_form, {"username": "bob"})
    assert "bob added as developer." in find(browser, ".flashes").text
    members = [cell.text for cell in browser.find_elements(
        By.XPATH, "//h2[.='Members']/following-sibling::table/tbody/tr/td[1]")]
    assert members == ["alice", "bob"]
    bob_role = Select(find(browser, "select#role-bob")).first_selected_option
    assert bob_role.get_attribute("value") == "developer"
    project_png = screenshot(browser, "project.png")

    # Trac knows who is logged in, and its "Log out" leads to the dashboard's.
    browser.get(f"{base}/rocket/")
    wait(browser).until(EC.text_to_be_present_in_element(
        (By.ID, "metanav"), "logged in as alice"))
    trac_png = screenshot(browser, "trac.png")
    find(browser, "#metanav").find_element(By.LINK_TEXT, "Log out").click()
    wait(browser).until(EC.url_contains("/logout?came_from="))
    submit(browser, "main form[action='/logout']")
    # Back where the user was: Trac spells its front page /rocket, without the slash.
    wait(browser).until(EC.url_matches(rf"^{base}/rocket/?$"))
    find(browser, "#metanav").find_element(By.LINK_TEXT, "Log in")
    browser.get(f"{base}/")
    find(browser, "header.site-header a[href='/login']")
    assert not browser.find_elements(By.CSS_SELECTOR, "header form[action='/logout']")

    for path in (dashboard_png, project_png, trac_png):
        assert_png(path)
