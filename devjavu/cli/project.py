"""project add|list|set|transfer|delete|rename|restore|purge: each change is the projects
service's whole action, recorded as from the command line (import and export:
devjavu/cli/history.py)."""
from devjavu import audit
from devjavu.accounts import users
from devjavu.cli import history
from devjavu.cli.context import changing, reading
from devjavu.projects import rename, service, trash


def register(commands) -> None:
    parser = commands.add_parser("project", help="manage projects")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="create a project: repository, Trac and owner")
    add.add_argument("name")
    add.add_argument("--owner", required=True)
    add.add_argument("--private", action="store_true")
    add.add_argument("--description", default="")
    add.set_defaults(handler=add_project)

    verbs.add_parser("list", help="list projects").set_defaults(handler=list_projects)

    setting = verbs.add_parser("set", help="change a project's visibility or description")
    setting.add_argument("name")
    visibility = setting.add_mutually_exclusive_group()
    visibility.add_argument("--private", dest="private", action="store_true", default=None)
    visibility.add_argument("--public", dest="private", action="store_false")
    setting.add_argument("--description")
    setting.set_defaults(handler=set_project)

    transfer = verbs.add_parser("transfer", help="make USER the owner (the other owners "
                                "become developers)")
    transfer.add_argument("name")
    transfer.add_argument("user")
    transfer.set_defaults(handler=transfer_project)

    delete = verbs.add_parser("delete", help="move a project to the trash (restorable)")
    delete.add_argument("name")
    delete.set_defaults(handler=delete_project)

    # Not called `rename`: that is the module rename_project() calls.
    renaming = verbs.add_parser("rename", help="give a project a new name (URLs, "
                                "repository and Trac move with it)")
    renaming.add_argument("name")
    renaming.add_argument("new_name")
    renaming.set_defaults(handler=rename_project)

    restore = verbs.add_parser("restore", help="bring a deleted project back")
    restore.add_argument("name")
    restore.set_defaults(handler=restore_project)

    verbs.add_parser("purge", help="remove for good what has been in the trash longer "
                     "than devjavu.trash_days").set_defaults(handler=purge_projects)
    history.register(verbs)


def add_project(settings, args) -> int:
    with changing(settings) as db:
        service.create_project(db, settings, args.name, users.get_user(db, args.owner),
                               description=args.description, private=args.private,
                               ip=audit.COMMAND_LINE, within_cap=False)
    print(f"Created project {args.name}: Trac at /{args.name}/, "
          f"Subversion at /svn/{args.name}")
    return 0


def list_projects(settings, args) -> int:
    with reading(settings) as db:
        for project in service.list_projects(db, include_deleted=True):
            owners = ",".join(u.username for u in service.owners_of(db, project))
            state = "\tdeleted" if project.deleted_at is not None else ""
            print(f"{project.name}\t{project.visibility}\t{owners}{state}")
    return 0


def set_project(settings, args) -> int:
    with changing(settings) as db:
        project = service.get_project(db, args.name)
        service.update_project(
            db, project,
            project.description if args.description is None else args.description,
            project.is_private if args.private is None else args.private,
            ip=audit.COMMAND_LINE)
        shown = f"{project.visibility}, {project.description or 'no description'}"
    print(f"{args.name}: {shown}.")
    return 0


def transfer_project(settings, args) -> int:
    with changing(settings) as db:
        service.transfer_ownership(db, service.get_project(db, args.name),
                                   users.get_user(db, args.user), ip=audit.COMMAND_LINE)
    print(f"{args.user} now owns {args.name}.")
    return 0


def delete_project(settings, args) -> int:
    with changing(settings) as db:
        trash.delete_project(db, settings, service.get_project(db, args.name),
                             ip=audit.COMMAND_LINE)
    print(f"{args.name} is in the trash for {settings.trash_days} days; "
          f"`devjavu-admin project restore {args.name}` brings it back.")
    return 0


def rename_project(settings, args) -> int:
    with changing(settings) as db:
        rename.rename_project(db, settings, service.get_project(db, args.name),
                              args.new_name, ip=audit.COMMAND_LINE)
    print(f"{args.name} is now {args.new_name}: Trac at /{args.new_name}/, Subversion at "
          f"/svn/{args.new_name}. Working copies move with `svn relocate NEW-URL`.")
    return 0


def restore_project(settings, args) -> int:
    with changing(settings) as db:
        trash.restore_project(db, settings, args.name, ip=audit.COMMAND_LINE)
    print(f"{args.name} is restored.")
    return 0


def purge_projects(settings, args) -> int:
    with changing(settings) as db:
        names = trash.purge_expired(db, settings, ip=audit.COMMAND_LINE)
    print(f"Purged: {', '.join(names)}." if names else "Nothing to purge.")
    return 0

