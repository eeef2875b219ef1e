"""Every dashboard page is well-formed for people using keyboards and screen readers:
unique ids, and a label for every field."""
import re
from collections import Counter

import pytest

PAGES = ["/", "/signup", "/login", "/reset", "/logout", "/account", "/account/tokens",
         "/dashboard", "/dashboard/new", "/dashboard/demo", "/admin", "/admin/users",
         "/admin/projects", "/admin/audit"]


@pytest.fixture
def admin_with_a_project(admin_webapp):
    admin_webapp.create_project("demo")
    return admin_webapp


def test_ids_are_unique_and_fields_labelled(admin_with_a_project):
    for url in PAGES:
        page = admin_with_a_project.get(url)
        assert page.status_int == 200, url
        ids = re.findall(r'\sid="([^"]+)"', page.text)
        assert [i for i, n in Counter(ids).items() if n > 1] == [], url
        labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', page.text))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page.text):
            if re.search(r'type="(hidden|radio)"', tag):
                continue                  # radios sit inside a <label> in a <fieldset>
            field_id = re.search(r'\sid="([^"]+)"', tag)
            assert field_id and field_id.group(1) in labelled, (url, tag)
