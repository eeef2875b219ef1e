"""member add|remove|list."""
from devjavu import audit
from devjavu.accounts import users
from devjavu.cli.context import changing, reading
from devjavu.cli.errors import CommandError
from devjavu.models import Role
from devjavu.projects import service
from devjavu.projects.roles import parse_role


def register(commands) -> None:
    parser = commands.add_parser("member", help="manage project members")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="add a member, or change a member's role")
    add.add_argument("project")
    add.add_argument("user")
    add.add_argument("--role", required=True, help="owner, developer or viewer")
    add.set_defaults(handler=add_member)

    remove = verbs.add_parser("remove", help="remove a member")
    remove.add_argument("project")
    remove.add_argument("user")
    remove.set_defaults(handler=remove_member)

    listing = verbs.add_parser("list", help="list a project's members")
    listing.add_argument("project")
    listing.set_defaults(handler=list_members)


def add_member(settings, args) -> int:
    try:
        role = parse_role(args.role)
    except ValueError as e:
        raise CommandError(e) from None
    with changing(settings) as db:
        service.set_role(db, service.get_project(db, args.project),
                         users.get_user(db, args.user), role, ip=audit.COMMAND_LINE)
    print(f"{args.user} is {role} of {args.project}.")
    return 0


def remove_member(settings, args) -> int:
    with changing(settings) as db:
        service.remove_member(db, service.get_project(db, args.project),
                              users.get_user(db, args.user), ip=audit.COMMAND_LINE)
    print(f"{args.user} removed from {args.project}.")
    return 0


def list_members(settings, args) -> int:
    with reading(settings) as db:
        project = service.get_project(db, args.project)
        for membership in sorted(project.memberships,
                                 key=lambda m: (list(Role).index(m.role), m.user.username)):
            print(f"{membership.user.username}\t{membership.role}")
    return 0
