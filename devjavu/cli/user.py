"""user add|list|passwd|disable|enable|admin: each change is the accounts service's
whole action, recorded as from the command line."""
from devjavu import audit
from devjavu.accounts import administration, users
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
    passwd.add_argument("--revoke-tokens", action="store_true",
                        help="also revoke the account's access tokens")
    passwd.set_defaults(handler=set_password)

    for verb, active in (("disable", False), ("enable", True)):
        toggle = verbs.add_parser(verb, help=f"{verb} an account")
        toggle.add_argument("name")
        toggle.set_defaults(handler=set_active, active=active)

    making_admin = verbs.add_parser("admin", help="make an account a site admin")
    making_admin.add_argument("name")
    making_admin.add_argument("--revoke", action="store_true",
                              help="take site admin rights away instead")
    making_admin.set_defaults(handler=set_admin)


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
        administration.create_user(db, None, args.name, args.email, password,
                                   is_admin=args.admin, ip=audit.COMMAND_LINE)
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
        administration.set_password(db, None, users.get_user(db, args.name), password,
                                    ip=audit.COMMAND_LINE, revoke_tokens=args.revoke_tokens)
    print(f"Password of {args.name} changed; its sign-ins and reset links have ended"
          + (" and its access tokens are revoked." if args.revoke_tokens else "."))
    return 0


def set_active(settings, args) -> int:
    change = administration.enable_user if args.active else administration.disable_user
    with changing(settings) as db:
        change(db, None, users.get_user(db, args.name), ip=audit.COMMAND_LINE)
    print(f"{args.name} {'enabled' if args.active else 'disabled'}.")
    return 0


def set_admin(settings, args) -> int:
    with changing(settings) as db:
        administration.set_site_admin(db, None, users.get_user(db, args.name),
                                      not args.revoke, ip=audit.COMMAND_LINE)
    print(f"{args.name} is {'no longer ' if args.revoke else ''}a site admin.")
    return 0
