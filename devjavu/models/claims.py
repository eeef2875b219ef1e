"""Using up a single-use row (an invitation, an invite code) exactly once."""
from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute, Session


def claim_once(db: Session, unused: InstrumentedAttribute, row_id: int, **values) -> bool:
    """Set `values` on row `row_id` of `unused`'s table if `unused` is still NULL there,
    in one conditional UPDATE: of two transactions racing for one row, only the first
    gets True (the row lock settles it), however both read it before."""
    table = unused.class_
    claimed = db.execute(update(table).where(table.id == row_id, unused.is_(None))
                         .values(**values))
    return claimed.rowcount == 1
