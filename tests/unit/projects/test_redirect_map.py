"""The svn redirect map: names only, checked before it replaces the old file."""
import pytest

from devjavu.accounts import users
from devjavu.projects import service
from devjavu.projects.redirect_map import (RedirectMapError, redirect_map_path,
                                           validate_redirect_map, write_redirect_map)
from devjavu.projects.rename import rename_project


@pytest.fixture
def renamed(site, make_user):
    make_user("olga")
    with site.unit_of_work() as db:
        owner = users.get_user(db, "olga")
        service.create_project(db, site.settings, "map-old", owner)
        service.create_project(db, site.settings, "hidden-old", owner, private=True)
    with site.unit_of_work() as db:
        rename_project(db, site.settings, service.find_project(db, "map-old"), "map-new")
        rename_project(db, site.settings, service.find_project(db, "hidden-old"),
                       "hidden-new")
    return site


def test_the_map_lists_public_old_names_only(renamed):
    text = redirect_map_path(renamed.settings).read_text()
    assert "map-old map-new\n" in text and "hidden" not in text


@pytest.mark.parametrize("line", [b"a b c", b"map-old http://evil.example",
                                  b"map-old map-new\r", b"Map-Old map-new",
                                  b"map-old map-new\nmap-old other", b"map-old map-new x"])
def test_a_bad_map_is_refused_and_the_old_one_stays(renamed, line, tmp_path):
    path = redirect_map_path(renamed.settings)
    before = path.read_bytes()
    bad = tmp_path / "bad.map"
    bad.write_bytes(line + b"\n")
    with pytest.raises(RedirectMapError):
        validate_redirect_map(bad)
    # A name that slipped into the database unvalidated never reaches the file either.
    with renamed.reading() as db:
        service.find_project(db, "map-new").name = "map-new evil"
        with pytest.raises(ValueError):
            write_redirect_map(db, renamed.settings)
    assert path.read_bytes() == before
