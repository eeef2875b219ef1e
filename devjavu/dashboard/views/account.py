"""The signed-in user's own account: email, password, sign-ins, access tokens."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from devjavu import audit
from devjavu.accounts import profile, sessions, throttle, tokens
from devjavu.accounts.users import UserError
from devjavu.dashboard.forms import EmailForm, PasswordChangeForm, TokenForm
from devjavu.dashboard.views.auth import client_address

ACCOUNT_TEMPLATE = "devjavu:dashboard/templates/account/account.html"
TOKENS_TEMPLATE = "devjavu:dashboard/templates/account/tokens.html"


def _account_page(request, email_form=None, password_form=None):
    user = request.user
    db = request.dbsession
    return {
        "email_form": email_form or EmailForm(email=user.email),
        "password_form": password_form or PasswordChangeForm(),
        "signins": audit.recent(db, limit=10, event_prefix="signin", subject=user.username),
        "sessions": sessions.recent_sessions(db, user),
    }


@view_defaults(permission="signed-in", renderer=ACCOUNT_TEMPLATE)
class AccountViews:
    def __init__(self, context, request):
        self.request = request

    @view_config(route_name="account", request_method="GET")
    def show(self):
        return _account_page(self.request)

    @view_config(route_name="account.email", request_method="POST")
    def change_email(self):
        request = self.request
        form = EmailForm(request.POST)
        if not form.validate():
            request.response.status = 400
            return _account_page(request, email_form=form)
        try:
            profile.change_email(request.dbsession, request.user, form.current_password.data,
                                 form.email.data, client_address(request))
        except (profile.ProfileError, throttle.TooManyFailures) as e:
            request.response.status = 400
            return _account_page(request, email_form=form.with_error("current_password", e))
        request.session.flash("Your email address is changed.")
        return HTTPSeeOther(request.route_url("account"))

    @view_config(route_name="account.password", request_method="POST")
    def change_password(self):
        request = self.request
        form = PasswordChangeForm(request.POST)
        if not form.validate():
            request.response.status = 400
            return _account_page(request, password_form=form)
        try:
            profile.change_password(request.dbsession, request.user,
                                    form.current_password.data, form.new_password.data,
                                    keep_session_token=request.cookies.get(
                                        sessions.COOKIE_NAME),
                                    ip=client_address(request),
                                    revoke_tokens=form.revoke_tokens.data)
        except (profile.ProfileError, throttle.TooManyFailures, UserError) as e:
            request.response.status = 400
            return _account_page(request,
                                 password_form=form.with_error("current_password", e))
        request.session.flash("Your password is changed; your other sign-ins have ended"
                              + (" and your access tokens are revoked."
                                 if form.revoke_tokens.data else "."))
        return HTTPSeeOther(request.route_url("account"))


def _tokens_page(request, form=None, new_token=None):
    listed = tokens.active_tokens(request.dbsession, request.user)
    return {"form": form or TokenForm(), "tokens": listed, "new_token": new_token,
            "expired": {token.id for token in listed if tokens.is_expired(token)}}


@view_config(route_name="account.tokens", request_method="GET", permission="signed-in",
             renderer=TOKENS_TEMPLATE)
def tokens_page(request):
    return _tokens_page(request)


@view_config(route_name="account.tokens", request_method="POST", permission="signed-in",
             renderer=TOKENS_TEMPLATE)
def create_token(request):
    form = TokenForm(request.POST)
    if not form.validate():
        request.response.status = 400
        return _tokens_page(request, form)
    try:
        token, text = tokens.create_token(request.dbsession, request.user, form.name.data,
                                          form.password.data, form.expires_in_days,
                                          ip=client_address(request))
    except (tokens.WrongPassword, throttle.TooManyFailures) as e:
        # Not doomed: the failed-sign-in record must be kept.
        request.response.status = 400
        return _tokens_page(request, form.with_error("password", e))
    except tokens.TokenError as e:
        request.response.status = 400
        return _tokens_page(request, form.with_error("name", e))
    # Shown on this response only: it is stored hashed and cannot be shown again.
    request.response.headers["Cache-Control"] = "no-store"
    return _tokens_page(request, new_token=(token, text))


@view_config(route_name="account.token.revoke", request_method="POST",
             permission="signed-in")
def revoke_token(request):
    try:
        token = tokens.revoke_token(request.dbsession, request.user,
                                    int(request.matchdict["token_id"]),
                                    ip=client_address(request))
    except tokens.TokenError:
        request.session.flash("No such token.")
        return HTTPSeeOther(request.route_url("account.tokens"))
    request.session.flash(f"Token {token.name!r} revoked; it no longer works.")
    return HTTPSeeOther(request.route_url("account.tokens"))
