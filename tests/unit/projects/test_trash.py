"""The trash's end: a purge removes what waited its days, leaves an audit event, and a
purge killed half-way is finished or undone at the next start."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from devjavu import audit
from devjavu.accounts import users
from devjavu.clock import utcnow
from devjavu.models import AuditEvent
from devjavu.projects import service, trash


@pytest.fixture
def expired(site, make_user):
    """Project `old`, deleted longer ago than the trash keeps anything."""
    make_user("olga")
    with site.unit_of_work() as db:
        project = service.create_project(db, site.settings, "old", users.get_user(db, "olga"))
        trash.delete_project(db, site.settings, project)
        project.deleted_at = utcnow() - timedelta(days=site.settings.trash_days + 1)
    return trash.trash_path(site.settings, "old")


def test_a_purge_removes_the_files_after_the_row_and_says_so(site, expired):
    with site.unit_of_work() as db:
        assert trash.purge_expired(db, site.settings, ip=audit.COMMAND_LINE) == ["old"]
    assert list(site.settings.trash_dir.iterdir()) == []
    with site.reading() as db:
        assert service.find_project(db, "old") is None
        event = db.scalar(select(AuditEvent).where(AuditEvent.event == audit.PROJECT_PURGED))
        assert (event.subject, event.ip_address) == ("old", audit.COMMAND_LINE)


def test_a_purge_rolled_back_puts_the_trash_back(site, expired):
    before = sorted(p.relative_to(expired) for p in expired.rglob("*"))
    with pytest.raises(RuntimeError), site.unit_of_work() as db:
        trash.purge_expired(db, site.settings)
        assert not expired.exists()
        raise RuntimeError("the commit failed")
    assert sorted(p.relative_to(expired) for p in expired.rglob("*")) == before
    assert [p.name for p in site.settings.trash_dir.iterdir()] == ["old"]


def test_a_purge_killed_before_its_commit_is_undone_and_one_after_it_finished(site, expired):
    purging = site.settings.trash_dir / ".purging"
    purging.mkdir()
    expired.rename(purging / "old")                 # killed before the commit
    (purging / "gone").mkdir()                      # killed after its commit
    with site.reading() as db:
        trash.settle_purges(db, site.settings)
    assert sorted(p.name for p in site.settings.trash_dir.iterdir()) == ["old"]
    assert (expired / "repository" / "format").exists()
    with site.reading() as db:
        assert service.find_project(db, "old").deleted_at is not None
