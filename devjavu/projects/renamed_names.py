"""Old names of renamed projects: for `renamed_name_days` after a rename, the old name
leads to the project (whatever it is called by then, so a chain A -> B -> C sends A and
B straight to C) and no other project may take it; the project itself may take it back.

A row names the project by id, never by name, so later renames need no rewriting.
Deleting a project keeps its old names: the project is in the trash and may come back
with its links. Purging it deletes them with it (the foreign key cascades), since by
then the project's own name is free again too and nothing is left to lead to.
"""
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from devjavu.clock import utcnow
from devjavu.models import Project, RenamedName


def _active(name: str):
    return select(RenamedName).where(RenamedName.name == name,
                                     RenamedName.until > utcnow())


def reservation_of(db: Session, name: str) -> RenamedName | None:
    """The live reservation of `name`, if any."""
    return db.scalar(_active(name))


def name_reserved_for_other(db: Session, name: str, project: Project | None) -> bool:
    """Whether `name` is an old name kept for a project other than `project`."""
    reservation = reservation_of(db, name)
    return reservation is not None and (project is None
                                        or reservation.project_id != project.id)


def reserve_old_name(db: Session, days: int, project: Project, old_name: str,
                     new_name: str) -> None:
    """Record `old_name` for `project`, now called `new_name`; a reservation of
    `new_name` (the project taking an old name back) ends."""
    db.execute(delete(RenamedName).where(RenamedName.name.in_((old_name, new_name))))
    db.add(RenamedName(project_id=project.id, name=old_name,
                       until=utcnow() + timedelta(days=days)))


def current_name(db: Session, old_name: str) -> str | None:
    """The present name of the live project that `old_name` was, or None."""
    return db.scalar(select(Project.name).join(RenamedName,
                                               RenamedName.project_id == Project.id)
                     .where(RenamedName.name == old_name, RenamedName.until > utcnow(),
                            Project.deleted_at.is_(None)))


def old_names_of(db: Session, project: Project) -> list[RenamedName]:
    """The project's reserved old names, newest reservation first."""
    return list(db.scalars(select(RenamedName).where(RenamedName.project_id == project.id,
                                                     RenamedName.until > utcnow())
                           .order_by(RenamedName.until.desc())))


def live_redirects(db: Session) -> list[tuple[str, str, bool]]:
    """(old name, current name, private) of every reservation of a live project."""
    return list(db.execute(
        select(RenamedName.name, Project.name, Project.is_private)
        .join(Project, RenamedName.project_id == Project.id)
        .where(RenamedName.until > utcnow(), Project.deleted_at.is_(None))
        .order_by(RenamedName.name)).tuples())


def drop_expired(db: Session) -> list[str]:
    """Forget reservations whose period has ended; returns their names."""
    expired = list(db.scalars(select(RenamedName.name).where(RenamedName.until <= utcnow())))
    if expired:
        db.execute(delete(RenamedName).where(RenamedName.name.in_(expired)))
    return expired
