"""A site admin revoked while the groups file could not be rewritten (the old file stays,
naming them) is refused by the svn auth provider until the file is rewritten; everyone
else signs in as before."""
from devjavu.accounts import administration, tokens, users
from devjavu.apachechild.svnauth import make_check_password
from devjavu.authz.build import render_groups
from devjavu.authz.install import write_groups_file

ENVIRON = {"REMOTE_ADDR": "192.0.2.7"}


def test_a_revoked_admin_the_old_groups_file_names_is_refused(site, make_user):
    make_user("ann", admin=True)
    make_user("bob")
    with site.unit_of_work() as db:
        assert write_groups_file(db, site.settings) == []
        _, token = tokens.create_token(db, users.get_user(db, "ann"), "laptop",
                                       "a-good-password")
    check_password = make_check_password(str(site.settings.ini_path))
    assert check_password(ENVIRON, "ann", "a-good-password") is True
    # Revoked in the database; the groups file is as a failed rewrite leaves it.
    groups = site.settings.authz_groups_path
    before = groups.read_bytes()
    with site.unit_of_work() as db:
        administration.set_site_admin(db, None, users.get_user(db, "ann"), False)
    groups.write_bytes(before)
    assert check_password(ENVIRON, "ann", "a-good-password") is False
    assert check_password(ENVIRON, "ann", token) is False
    assert check_password(ENVIRON, "bob", "a-good-password") is True
    # Once the file is rewritten from the database, ann is an ordinary user again.
    with site.unit_of_work() as db:
        assert write_groups_file(db, site.settings) == []
    assert groups.read_text() == render_groups([])
    assert check_password(ENVIRON, "ann", "a-good-password") is True
    assert check_password(ENVIRON, "ann", token) is True
