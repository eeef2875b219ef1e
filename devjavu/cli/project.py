"""project add|list."""
from devjavu.accounts import users
from devjavu.cli.context import changing, reading
from devjavu.projects import service


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


def add_project(settings, args) -> int:
    with changing(settings) as db:
        service.create_project(db, settings, args.name, users.get_user(db, args.owner),
                               description=args.description, private=args.private)
    print(f"Created project {args.name}: Trac at /{args.name}/, "
          f"Subversion at /svn/{args.name}")
    return 0


def list_projects(settings, args) -> int:
    with reading(settings) as db:
        for project in service.list_projects(db):
            owners = ",".join(u.username for u in service.owners_of(db, project))
            print(f"{project.name}\t{project.visibility}\t{owners}")
    return 0
