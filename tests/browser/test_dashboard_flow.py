"""A person's first hour on a new site, in a real browser against the real Apache:
the administrator signs in, creates a project, adds a colleague who signed up, visits
Trac and logs out from there."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import OPERATOR_ADMIN
from tests.support.chromium import (assert_png, find, log_out_from_header, screenshot, submit,
                                    wait, wait_for_url)

ALICE = OPERATOR_ADMIN
BOB = {"username": "bob", "email": "bob@example.com", "password": "bob-secret-12"}


def test_signup_fields_have_visible_labels(running_site, browser):
    browser.get(f"{running_site.http_url}/signup")
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


def test_first_hour_on_a_new_site(running_site, browser):
    base = running_site.http_url

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
