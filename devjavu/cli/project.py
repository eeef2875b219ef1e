"""project add|list."""
from devjavu.accounts import users
from devjavu.cli.context import open_site
from devjavu.cli.errors import CommandError
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
    site = open_site(settings)
    try:
        with site.unit_of_work() as db:
            owner = users.get_user(db, args.owner)
            service.create_project(db, settings, args.name, owner,
                                   description=args.description, private=args.private)
    except (users.UserError, service.ProjectError) as e:
        raise CommandError(e) from None
    print(f"Created project {args.name}: Trac at /{args.name}/, "
          f"Subversion at /svn/{args.name}")
    return 0


def list_projects(settings, args) -> int:
    site = open_site(settings)
    with site.reading() as db:
        for project in service.list_projects(db):
            owners = ",".join(u.username for u in service.owners_of(db, project))
            print(f"{project.name}\t{project.visibility}\t{owners}")
    return 0
