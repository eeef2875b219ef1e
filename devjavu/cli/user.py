"""user add|list|passwd|disable|enable."""
from devjavu.accounts import users
from devjavu.cli.context import changing, open_site, reading
from devjavu.cli.errors import CommandError
from devjavu.cli.secrets import read_new_password


def register(commands) -> None:
    parser = commands.add_parser("user", help="manage user accounts")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="create an account (password: one line on stdin)")
    add.add_argument("name")
    add.add_argument("--email", required=True)
    add.add_argument("--admin", action="store_true", help="make a site admin")
    add.set_defaults(handler=add_user)

    verbs.add_parser("list", help="list accounts").set_defaults(handler=list_users)

    passwd = verbs.add_parser("passwd", help="set a password (one line on stdin)")
    passwd.add_argument("name")
    passwd.set_defaults(handler=set_password)

    for verb, active in (("disable", False), ("enable", True)):
        toggle = verbs.add_parser(verb, help=f"{verb} an account")
        toggle.add_argument("name")
        toggle.set_defaults(handler=set_active, active=active)


def add_user(settings, args) -> int:
    # Refuse a bad name or email before asking for a password.
    try:
        users.validate_username(args.name)
        users.validate_email(args.email)
    except users.UserError as e:
        raise CommandError(e) from None
    open_site(settings)
    password = read_new_password()
    with changing(settings) as db:
        users.add_user(db, args.name, args.email, password, is_admin=args.admin)
    print(f"Created user {args.name}{' (site admin)' if args.admin else ''}.")
    return 0


def list_users(settings, args) -> int:
    with reading(settings) as db:
        for user in users.list_users(db):
            flags = [f for f, on in (("admin", user.is_admin), ("disabled", not user.is_active))
                     if on]
            print(f"{user.username}\t{user.email}\t{','.join(flags)}")
    return 0


def set_password(settings, args) -> int:
    open_site(settings)
    password = read_new_password()
    with changing(settings) as db:
        users.set_password(db, users.get_user(db, args.name), password)
    print(f"Password of {args.name} changed.")
    return 0


def set_active(settings, args) -> int:
    with changing(settings) as db:
        users.set_active(db, users.get_user(db, args.name), args.active)
    print(f"{args.name} {'enabled' if args.active else 'disabled'}.")
    return 0
