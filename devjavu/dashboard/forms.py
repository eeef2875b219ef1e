"""Dashboard forms (WTForms): every field validated at the edge, messages per field.

Validators reuse the services' own rules, so a form and the CLI refuse the same input
with the same words.
"""
from wtforms import (BooleanField, FileField, Form, IntegerField, PasswordField,
                     RadioField, SelectField, StringField, TextAreaField)
from wtforms.validators import (AnyOf, DataRequired, InputRequired, Length, NumberRange,
                                Optional, ValidationError)

from devjavu.accounts import users
from devjavu.accounts.passwords import PasswordError, check_password_rules
from devjavu.models import Role
from devjavu.projects.names import ProjectNameError, validate_project_name
from devjavu.freetext import check_multiline, check_single_line
from devjavu.projects.service import MAX_DESCRIPTION_LENGTH, validate_description
from devjavu.projects.urlimport import MAX_USERNAME_LENGTH
from devjavu.svn.sourceurl import MAX_URL_LENGTH


class _FormData:
    """WebOb's MultiDict as WTForms reads form data."""

    def __init__(self, multidict):
        self._multidict = multidict

    def __iter__(self):
        return iter(self._multidict)

    def __len__(self):
        return len(self._multidict)

    def __contains__(self, key):
        return key in self._multidict

    def getlist(self, key):
        return self._multidict.getall(key)


class DashboardForm(Form):
    def __init__(self, request_post=None, **kwargs):
        super().__init__(_FormData(request_post) if request_post is not None else None,
                         **kwargs)

    def with_error(self, field_name: str, message) -> "DashboardForm":
        """Attach a service's refusal to a field, after validation passed."""
        field = getattr(self, field_name)
        field.errors = list(field.errors) + [str(message)]
        return self


def _rule(check):
    def validator(form, field):
        try:
            check(field.data or "")
        except (ValueError, users.UserError, ProjectNameError, PasswordError) as e:
            raise ValidationError(str(e)) from None
    return validator


ROLE_CHOICES = [(r.value, r.value.capitalize()) for r in Role]
_username = [DataRequired("Enter a username."), _rule(users.validate_username)]
_email = [DataRequired("Enter an email address."), Length(max=254),
          _rule(users.validate_email)]
_new_password = [InputRequired("Choose a password."), _rule(check_password_rules)]
_description = [Length(max=MAX_DESCRIPTION_LENGTH), _rule(validate_description)]


def _one_line(what: str):
    return _rule(lambda text: check_single_line(text, what))


class SignupForm(DashboardForm):
    username = StringField("Username", _username)
    email = StringField("Email", _email)
    password = PasswordField("Password", _new_password)
    invite_code = StringField("Invite code", [Optional(), Length(max=64)])


class LoginForm(DashboardForm):
    username = StringField("Username", [DataRequired("Enter your username."),
                                        Length(max=64)])
    password = PasswordField("Password", [InputRequired("Enter your password."),
                                          Length(max=1024)])


class ResetRequestForm(DashboardForm):
    email = StringField("Email", _email)


# On by default: whoever changed the password may have done so because a token leaked
# with it. A browser sends nothing for an unticked box, so an absent field is "no".
_revoke_tokens_label = "Also revoke all my access tokens"


class ResetForm(DashboardForm):
    password = PasswordField("New password", _new_password)
    revoke_tokens = BooleanField(_revoke_tokens_label, default=True)


class EmailForm(DashboardForm):
    email = StringField("Email", _email)
    current_password = PasswordField("Current password",
                                     [InputRequired("Enter your current password.")])


class PasswordChangeForm(DashboardForm):
    current_password = PasswordField("Current password",
                                     [InputRequired("Enter your current password.")])
    new_password = PasswordField("New password", _new_password)
    revoke_tokens = BooleanField(_revoke_tokens_label, default=True)


TOKEN_EXPIRY_CHOICES = [("never", "Never"), ("30", "In 30 days"), ("90", "In 90 days"),
                        ("365", "In 365 days")]


class TokenForm(DashboardForm):
    name = StringField("Token name", [DataRequired("Name the token."), Length(max=64),
                                      _one_line("A token name")])
    expires = SelectField("Expires", choices=TOKEN_EXPIRY_CHOICES, default="90",
                          validate_choice=False,
                          validators=[AnyOf([value for value, _ in TOKEN_EXPIRY_CHOICES],
                                            "Choose never, 30, 90 or 365 days.")])
    password = PasswordField("Your password", [InputRequired(
        "Enter your password to create a token."), Length(max=1024)])

    @property
    def expires_in_days(self) -> int | None:
        return None if self.expires.data == "never" else int(self.expires.data)


_project_name = [DataRequired("Enter a project name."), _rule(validate_project_name)]


class ProjectForm(DashboardForm):
    name = StringField("Project name", _project_name)
    description = StringField("Description", _description)
    visibility = RadioField("Visibility", choices=[("public", "Public"),
                                                   ("private", "Private")],
                            default="public")
    # Optional: the project starts with the history of a live repository.
    import_url = StringField("Import from a Subversion URL (optional)",
                             [Optional(), Length(max=MAX_URL_LENGTH)])
    import_username = StringField("Its user name (if it asks for one)",
                                  [Optional(), Length(max=MAX_USERNAME_LENGTH),
                                   _one_line("The user name")])
    import_password = PasswordField("Its password (used for this import, never stored)",
                                    [Optional(), _one_line("The password")])


class DumpProjectForm(DashboardForm):
    """A new project from an uploaded dump; the file itself is read as it arrives
    (devjavu/dashboard/uploads.py), after these fields."""
    name = StringField("Project name", _project_name)
    description = StringField("Description", _description)
    visibility = RadioField("Visibility", choices=[("public", "Public"),
                                                   ("private", "Private")],
                            default="public")
    dump = FileField("Dump file (from svnadmin dump: plain, gzip or bzip2)")


class ImportRetryForm(DashboardForm):
    password = PasswordField("The source's password (never stored)",
                             [Optional(), _one_line("The password")])


class TracImportForm(DashboardForm):
    archive = FileField("Archive (a Trac data export, or a tar.gz of a Trac 1.x "
                        "environment directory)")
    users = TextAreaField("User names to map, one `old new` a line (optional)",
                          [Optional(), Length(max=100_000)])
    replace = BooleanField("Replace the tickets, wiki and attachments this project has")

    def validate_archive(self, field):
        if not hasattr(field.data, "file"):
            raise ValidationError("Choose an archive to upload.")


class ProjectSettingsForm(DashboardForm):
    description = StringField("Description", _description)
    visibility = RadioField("Visibility", choices=[("public", "Public"),
                                                   ("private", "Private")])


class MemberForm(DashboardForm):
    username = StringField("Username", [DataRequired("Enter a username."),
                                        Length(max=64)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="developer")


class RoleForm(DashboardForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class InviteForm(DashboardForm):
    email = StringField("Email", _email)
    role = SelectField("Role", choices=ROLE_CHOICES, default="developer")


class TransferForm(DashboardForm):
    username = StringField("New owner", [DataRequired("Enter the new owner's username."),
                                         Length(max=64)])


class RenameForm(DashboardForm):
    new_name = StringField("New name", _project_name)


class DeleteForm(DashboardForm):
    confirm_name = StringField("Type the project name to confirm",
                               [DataRequired("Type the project name to confirm.")])


class WaitlistForm(DashboardForm):
    project_name = StringField("Project name", [DataRequired("Enter a project name."),
                                                Length(max=40), _one_line("A project name")])
    note = TextAreaField("What is it for?", [
        Length(max=2000), _rule(lambda text: check_multiline(text, "The note"))])


class InviteCodesForm(DashboardForm):
    count = IntegerField("Number of codes", [NumberRange(1, 100, "From 1 to 100.")],
                         default=5)


class ProjectCapForm(DashboardForm):
    cap = IntegerField("Project cap (empty: no cap)",
                       [Optional(), NumberRange(0, 10**7, "Enter 0 or more.")])


class UserSearchForm(DashboardForm):
    q = StringField("Search", [Optional(), Length(max=64)])


