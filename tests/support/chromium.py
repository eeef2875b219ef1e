"""Driving pages in a real browser (Debian's chromium through selenium) as a person
would: find what is visible, type into forms, press their buttons, keep screenshots."""
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from devjavu.settings import SOURCE_ROOT

ARTIFACTS = SOURCE_ROOT / "test-artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WAIT_SECONDS = 20   # the first request to a project opens its Trac environment


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
