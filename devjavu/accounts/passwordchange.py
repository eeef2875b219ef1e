"""A password replaced, by any way: the account page, a reset link, or the operator's
`devjavu-admin user passwd`. Each way checks what it must first (the current password,
a pending link); what follows the change is the same for all, and is here."""
from sqlalchemy import update
from sqlalchemy.orm import Session

from devjavu import audit, mail, messages
from devjavu.accounts import sessions, tokens
from devjavu.accounts.users import set_password
from devjavu.clock import utcnow
from devjavu.models import PasswordReset, User


def end_pending_resets(db: Session, user: User) -> None:
    """Spend every unused reset link of `user`: after a new password (or once the account
    is disabled), an old link must not choose another one."""
    db.execute(update(PasswordReset)
               .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
               .values(used_at=utcnow()))


def replace_password(db: Session, user: User, password: str, *, how: str,
                     actor: User | None, ip: str, detail: str = "",
                     keep_session_token: str | None = None,
                     revoke_tokens: bool = False,
                     why: str = "with a password change") -> None:
    """Set `user`'s password; end every session (but `keep_session_token`) and every
    reset link, revoke the access tokens if asked, record it, and tell the account's
    address (`how` finishes "was changed ..."; `why` goes with each revoked token).
    Raises UserError for a bad password."""
    set_password(db, user, password)
    sessions.end_all_sessions(db, user, keep_token=keep_session_token)
    end_pending_resets(db, user)
    if revoke_tokens:
        tokens.revoke_all_tokens(db, user, ip, why=why)
    audit.record(db, audit.PASSWORD_CHANGED, actor=actor, subject=user.username, ip=ip,
                 detail=detail)
    mail.send_after_commit(db, *messages.password_changed(db.info["settings"], user, how))
