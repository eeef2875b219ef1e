"""Sign up, log in, log out, and reset a forgotten password."""
from urllib.parse import quote

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from devjavu import clientaddress
from devjavu.accounts import resets, sessions, signin, signup, users
from devjavu.dashboard.forms import LoginForm, ResetForm, ResetRequestForm, SignupForm
from devjavu.dashboard.security import clear_login_cookie, set_login_cookie
from devjavu.freetext import has_control_characters
from devjavu.projects import invitations
from devjavu.sitesettings import SignupMode


# Kept as they are in a path and query; the rest (spaces, quotes, non-ASCII) is
# percent-encoded, since a Location header carries ASCII only.
_CAME_FROM_SAFE = "/?#[]@!$&'()*+,;=:%-._~"


def safe_came_from(value: str | None, default: str = "/dashboard") -> str:
    """A path on this site to go back to, else `default`: never another host.

    Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so
    "/\\t/evil" and "/\\evil" would become "//evil", another host; any control character
    or backslash refuses the whole value."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or has_control_characters(value):
        return default
    return quote(value, safe=_CAME_FROM_SAFE)


def client_address(request) -> str:
    """The client's address, never X-Forwarded-For on trust (devjavu.clientaddress);
    WebOb's `client_addr` takes the header's left-most entry, which the client writes."""
    settings = request.registry["devjavu.site"].settings
    return clientaddress.client_address(request.environ, settings.trusted_proxies)


def log_in(request, user, came_from: str):
    """Start a fresh session (a new id at every login) and go where the user was."""
    settings = request.registry["devjavu.site"].settings
    sessions.end_session(request.dbsession, request.cookies.get(sessions.COOKIE_NAME))
    token = sessions.start_session(request.dbsession, user, settings.session_days,
                                   ip=client_address(request),
                                   user_agent=request.user_agent or "")
    request.session.invalidate()
    response = HTTPSeeOther(came_from)
    set_login_cookie(request, response, token, settings.session_days)
    return response


def _invitation_in(request, came_from: str):
    """The pending project invitation whose page the person came from, or None."""
    prefix = "/invite/"
    if not came_from.startswith(prefix):
        return None
    return invitations.pending_invitation(request.dbsession, came_from[len(prefix):])


def _signup_page(request, form, came_from):
    mode = signup.current_mode(request.dbsession)
    invited = _invitation_in(request, came_from) is not None
    if invited:
        mode = SignupMode.OPEN      # the form, for the address the invitation was sent to
    return {"form": form, "mode": mode, "came_from": came_from, "invited": invited,
            "open_yet": signup.has_admin(request.dbsession)}


def _refusal_field(request, invitation) -> str:
    """The form field a refused sign-up's message belongs to."""
    if invitation is not None:
        return "email"
    if signup.current_mode(request.dbsession) == SignupMode.INVITE_ONLY:
        return "invite_code"
    return "username"


@view_config(route_name="signup", request_method="GET",
             renderer="devjavu:dashboard/templates/auth/signup.html")
def signup_form(request):
    return _signup_page(request, SignupForm(), safe_came_from(request.params.get("came_from")))


@view_config(route_name="signup", request_method="POST",
             renderer="devjavu:dashboard/templates/auth/signup.html")
def signup_submit(request):
    form = SignupForm(request.POST)
    came_from = safe_came_from(request.POST.get("came_from"))
    if not form.validate():
        request.response.status = 400
        return _signup_page(request, form, came_from)
    if users.find_user(request.dbsession, form.username.data) is not None:
        request.response.status = 400
        return _signup_page(request, form.with_error("username", "That username is taken."),
                            came_from)
    invitation = _invitation_in(request, came_from)
    try:
        user = signup.sign_up(request.dbsession, form.username.data, form.email.data,
                              form.password.data, form.invite_code.data or "",
                              ip=client_address(request), invitation=invitation)
    except signup.SignupError as e:
        request.tm.doom()       # a refused sign-up leaves nothing behind
        request.response.status = 400
        return _signup_page(request, form.with_error(_refusal_field(request, invitation), e),
                            came_from)
    joined = invitation is not None and invitation.accepted_at is not None
    if joined:
        came_from = request.route_path("project.settings", project=invitation.project.name)
    response = log_in(request, user, came_from)
    request.session.flash(f"Welcome to {invitation.project.name}, {user.username}!" if joined
                          else f"Welcome, {user.username}!")
    return response


@view_config(route_name="login", request_method="GET",
             renderer="devjavu:dashboard/templates/auth/login.html")
def login_form(request):
    return {"form": LoginForm(), "came_from": safe_came_from(request.params.get("came_from"))}


@view_config(route_name="login", request_method="POST",
             renderer="devjavu:dashboard/templates/auth/login.html")
def login_submit(request):
    form = LoginForm(request.POST)
    came_from = safe_came_from(request.POST.get("came_from"))
    if not form.validate():
        request.response.status = 400
        return {"form": form, "came_from": came_from}
    try:
        user = signin.sign_in(request.dbsession, form.username.data, form.password.data,
                              client_address(request))
    except signin.SignInError as e:
        request.response.status = 400
        return {"form": form.with_error("password", e), "came_from": came_from}
    return log_in(request, user, came_from)


@view_config(route_name="logout", request_method="GET",
             renderer="devjavu:dashboard/templates/auth/logout.html")
def logout_form(request):
    return {"came_from": safe_came_from(request.params.get("came_from"), "/")}


@view_config(route_name="logout", request_method="POST")
def logout_submit(request):
    signin.sign_out(request.dbsession, request.user,
                    request.cookies.get(sessions.COOKIE_NAME), client_address(request))
    request.session.invalidate()
    response = HTTPSeeOther(safe_came_from(request.POST.get("came_from"), "/"))
    clear_login_cookie(request, response)
    return response


@view_config(route_name="reset.request", request_method="GET",
             renderer="devjavu:dashboard/templates/auth/reset_request.html")
def reset_request_form(request):
    return {"form": ResetRequestForm(), "sent": False}


@view_config(route_name="reset.request", request_method="POST",
             renderer="devjavu:dashboard/templates/auth/reset_request.html")
def reset_request_submit(request):
    form = ResetRequestForm(request.POST)
    if not form.validate():
        request.response.status = 400
        return {"form": form, "sent": False}
    resets.request_reset(request.dbsession, form.email.data, client_address(request))
    # The same answer whether or not the address has an account, or a limit was reached.
    return {"form": ResetRequestForm(), "sent": True}


@view_config(route_name="reset.confirm", request_method="GET",
             renderer="devjavu:dashboard/templates/auth/reset.html")
def reset_form(request):
    valid = resets.pending_reset(request.dbsession, request.matchdict["token"]) is not None
    return {"form": ResetForm(), "valid": valid}


@view_config(route_name="reset.confirm", request_method="POST",
             renderer="devjavu:dashboard/templates/auth/reset.html")
def reset_submit(request):
    form = ResetForm(request.POST)
    reset = resets.pending_reset(request.dbsession, request.matchdict["token"])
    if reset is None:
        request.response.status = 400
        return {"form": form, "valid": False}
    if not form.validate():
        request.response.status = 400
        return {"form": form, "valid": True}
    resets.complete_reset(request.dbsession, reset, form.password.data,
                          client_address(request), revoke_tokens=form.revoke_tokens.data)
    request.session.flash("Your password is changed"
                          + (" and your access tokens are revoked" if form.revoke_tokens.data
                             else "") + ". Log in with it.")
    return HTTPSeeOther(request.route_url("login"))
