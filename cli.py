"""The ``bangfu`` console script: serve, migrate, demo, export-schema, users, keys."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from access.crypto import InvalidKeyConfiguration, configure_keyring
from settings import Settings, UnsafeSettingsError

log = logging.getLogger("bangfu")


def _migrate(settings: Settings) -> None:
    from models.migrations import upgrade

    upgrade(settings.database_url)
    log.info("database migrated to head")


def _load_demo(settings: Settings, *, scale: str, seed: int, progress: bool) -> None:
    from models.db import make_engine, make_session_factory, transaction
    from models.demo import load_demo
    from models.demo.accounts import DEMO_PASSWORD, create_demo_accounts

    async def run() -> None:
        engine = make_engine(settings.database_url)
        factory = make_session_factory(engine)
        try:
            summary = await load_demo(
                factory,
                scale=scale,  # type: ignore[arg-type]
                seed=seed,
                progress=progress,
            )
            accounts = []
            if not summary.skipped and settings.environment == "development":
                async with transaction(factory) as session:
                    accounts = await create_demo_accounts(session)
        finally:
            await engine.dispose()
        if summary.skipped:
            print("demo: the database already holds data; nothing loaded.", file=sys.stderr)
        else:
            counts = ", ".join(f"{n} {t}" for t, n in summary.counts.items())
            print(f"demo: loaded {counts}", file=sys.stderr)
        for account in accounts:
            print(
                f"demo account: {account.username} ({account.role.value}: {account.scope}), "
                f"password {DEMO_PASSWORD}",
                file=sys.stderr,
            )

    asyncio.run(run())


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    try:
        settings.check_safe_to_serve()  # before migrating: refuse early, in plain words
    except UnsafeSettingsError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    if args.host is not None:
        settings.host = args.host
    if args.port is not None:
        settings.port = args.port
    if not args.no_migrate:
        _migrate(settings)
    if args.demo:
        _load_demo(settings, scale="small", seed=settings.demo_seed, progress=False)
    print(
        f"bangfu: GraphQL at http://{settings.host}:{settings.port}/graphql "
        f"({'GraphiQL on' if settings.graphiql else 'no IDE'}); database {settings.database_url}",
        file=sys.stderr,
    )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from models.migrations import downgrade, upgrade

    if args.revision_down:
        downgrade(settings.database_url, args.revision_down)
    else:
        upgrade(settings.database_url, args.revision)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    if not args.no_migrate:
        _migrate(settings)
    _load_demo(settings, scale=args.scale, seed=args.seed, progress=not args.quiet)
    return 0


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    """Run one matching over a street (by name) or the whole district, with progress."""
    from jobs.cli_runs import match_from_cli

    return asyncio.run(
        match_from_cli(
            settings,
            street=args.street,
            district=args.district,
            max_distance_m=args.max_distance,
            churn_budget=args.churn_budget,
            street_floor=args.street_floor,
            seed=args.seed,
            split_by_street=args.split_by_street,
        )
    )


def cmd_allocate(args: argparse.Namespace, settings: Settings) -> int:
    """Allocate a year's funds to the open requests, with progress; print the metrics."""
    from jobs.cli_runs import allocate_from_cli

    return asyncio.run(
        allocate_from_cli(
            settings,
            year=args.year,
            streets=args.street or [],
            street_floor=args.street_floor,
            strict_floors=args.strict_floors,
        )
    )


def cmd_worker(_args: argparse.Namespace, settings: Settings) -> int:
    """Run an arq worker for bangfu's jobs until stopped (SIGINT/SIGTERM)."""
    from jobs.worker import make_worker

    try:
        worker = make_worker(settings)
    except ValueError as exc:
        print(f"worker: {exc}", file=sys.stderr)
        return 2
    worker.run()
    return 0


def cmd_policy_import(args: argparse.Namespace, settings: Settings) -> int:
    """Add the rows of the district's edited policy file that the database lacks."""
    from jobs.cli_policy import import_policy_from_cli

    return asyncio.run(import_policy_from_cli(settings, args.file))


def cmd_benefits_recompute(args: argparse.Namespace, settings: Settings) -> int:
    """Recompute every dibao household's benefit from a date (after a new standard)."""
    from jobs.cli_policy import recompute_benefits_from_cli

    return asyncio.run(recompute_benefits_from_cli(settings, args.on, args.reason))


def cmd_verification_import(args: argparse.Namespace, settings: Settings) -> int:
    """Record verification results from a CSV file (all lines or none)."""
    from jobs.cli_verification import import_checks_from_cli

    return import_checks_from_cli(settings, args.file)


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create an account (the first district administrator, a service account...)."""
    from jobs.cli_users import UserOptions, create_user_from_cli

    options = UserOptions(
        username=args.username,
        role=args.role,
        display_name=args.display_name,
        street=args.street,
        station_id=args.station,
        volunteer_id=args.volunteer,
        password_stdin=args.password_stdin,
    )
    return asyncio.run(create_user_from_cli(settings, options))


def cmd_keys_generate(_args: argparse.Namespace, _settings: Settings) -> int:
    """Print a new random key for BANGFU_DATA_KEYS or BANGFU_LOOKUP_KEYS."""
    from jobs.cli_keys import generate_from_cli

    return generate_from_cli()


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    """Re-encrypt every identifier under the current data key and rehash it (or count)."""
    from jobs.cli_keys import rotate_from_cli

    return asyncio.run(
        rotate_from_cli(
            settings, batch_size=args.batch_size, dry_run=args.dry_run, progress=not args.quiet
        )
    )


def cmd_export_schema(args: argparse.Namespace, _settings: Settings) -> int:
    from api.schema import schema_sdl

    sdl = schema_sdl()
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"schema written to {args.output}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bangfu",
        description="bangfu (帮扶): volunteers, needy households, elders and charity funds. "
        "Configured by BANGFU_* environment variables or a .env file.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="migrate, then serve GraphQL over HTTP")
    serve.add_argument("--host", help="address to bind (default BANGFU_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default BANGFU_PORT, 8000)")
    serve.add_argument(
        "--demo", action="store_true", help="load demo data if the database is empty"
    )
    serve.add_argument("--no-migrate", action="store_true", help="do not run migrations first")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="upgrade the database schema (Alembic)")
    migrate.add_argument("revision", nargs="?", default="head", help="target (default head)")
    migrate.add_argument(
        "--down", dest="revision_down", metavar="REVISION", help="downgrade to REVISION instead"
    )
    migrate.set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="load a Dongcheng-shaped demo district (once)")
    demo.add_argument(
        "--scale",
        choices=["small", "district"],
        default="small",
        help="small (seconds) or district (realistic size: ~35,000 elders)",
    )
    demo.add_argument("--seed", type=int, default=2017, help="random seed (deterministic)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.add_argument("--no-migrate", action="store_true", help="do not run migrations first")
    demo.set_defaults(func=cmd_demo)

    match = sub.add_parser("match", help="run a volunteer-elder matching and print its metrics")
    where = match.add_mutually_exclusive_group(required=True)
    where.add_argument("--street", help="the street's name, e.g. 东华门街道")
    where.add_argument("--district", nargs="?", const="", help="the whole district (by name)")
    match.add_argument("--max-distance", type=int, default=1500, help="walking limit in metres")
    match.add_argument("--churn-budget", type=int, default=0, help="standing pairs it may break")
    match.add_argument("--street-floor", type=float, help="share of each street to pair (0-1)")
    match.add_argument("--seed", type=int, default=0, help="random seed (deterministic)")
    match.add_argument(
        "--split-by-street",
        action="store_true",
        help="one run per street, gathered (here in turn; with workers, in parallel)",
    )
    match.set_defaults(func=cmd_match)

    allocate = sub.add_parser("allocate", help="allocate a year's funds to open requests")
    allocate.add_argument("--year", type=int, required=True, help="the budget year, e.g. 2026")
    allocate.add_argument("--street", action="append", help="only this street (repeatable)")
    allocate.add_argument("--street-floor", type=float, help="share of each street's need (0-1)")
    allocate.add_argument(
        "--strict-floors", action="store_true", help="fail if the floors cannot all be met"
    )
    allocate.set_defaults(func=cmd_allocate)

    policy = sub.add_parser("policy", help="the district's dated policy parameters")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True, metavar="ACTION")
    policy_import = policy_sub.add_parser(
        "import", help="append the rows of a policy file the database lacks (never rewrites)"
    )
    policy_import.add_argument("file", help="a TOML policy file (see policy_default.toml)")
    policy_import.set_defaults(func=cmd_policy_import)

    benefits = sub.add_parser("benefits", help="dibao benefits")
    benefits_sub = benefits.add_subparsers(dest="benefits_command", required=True, metavar="ACTION")
    recompute = benefits_sub.add_parser(
        "recompute", help="recompute every dibao household's benefit from a date"
    )
    recompute.add_argument(
        "--on", type=date.fromisoformat, required=True, help="from this date, e.g. 2025-07-01"
    )
    recompute.add_argument("--reason", required=True, help="why, e.g. the new standard's notice")
    recompute.set_defaults(func=cmd_benefits_recompute)

    verification = sub.add_parser("verification", help="economic-status verification (核对)")
    verification_sub = verification.add_subparsers(
        dest="verification_command", required=True, metavar="ACTION"
    )
    verification_import = verification_sub.add_parser(
        "import", help="record check results from a CSV file (all lines or none)"
    )
    verification_import.add_argument(
        "file", help="CSV with columns application_id,item,result,checked_on,note"
    )
    verification_import.set_defaults(func=cmd_verification_import)

    users = sub.add_parser("users", help="accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    users_create = users_sub.add_parser(
        "create", help="create an account; asks for its password (not for service accounts)"
    )
    users_create.add_argument("--username", required=True, help="what the person signs in with")
    users_create.add_argument(
        "--role",
        required=True,
        help="district_admin, civil_affairs, street_staff, station_coordinator, social_worker, "
        "charity_officer, auditor, volunteer or service",
    )
    users_create.add_argument("--display-name", help="the name shown (default: the username)")
    users_create.add_argument("--street", help="street_staff: the street's name or id")
    users_create.add_argument("--station", type=int, help="station_coordinator: the station id")
    users_create.add_argument("--volunteer", type=int, help="volunteer: the volunteer id")
    users_create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    users_create.set_defaults(func=cmd_users_create)

    keys = sub.add_parser("keys", help="the keys that encrypt ID-card and phone numbers")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    keys_generate = keys_sub.add_parser(
        "generate", help="print a new random key (for BANGFU_DATA_KEYS or BANGFU_LOOKUP_KEYS)"
    )
    keys_generate.set_defaults(func=cmd_keys_generate, needs_keys=False)
    keys_rotate = keys_sub.add_parser(
        "rotate",
        help="re-encrypt every stored identifier under the current data key and recompute "
        "its lookup hash (in batches; safe to stop and run again)",
    )
    keys_rotate.add_argument(
        "--batch-size", type=int, default=1000, help="rows per transaction (default 1000)"
    )
    keys_rotate.add_argument(
        "--dry-run",
        action="store_true",
        help="change nothing: count the values under each key and what a rotation would do",
    )
    keys_rotate.add_argument("--quiet", action="store_true", help="no progress bar")
    keys_rotate.set_defaults(func=cmd_keys_rotate)

    worker = sub.add_parser("worker", help="run background jobs from Redis (BANGFU_REDIS_URL)")
    worker.set_defaults(func=cmd_worker)

    export = sub.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("output", nargs="?", default="schema.graphql", help="file, or - for stdout")
    export.set_defaults(func=cmd_export_schema, needs_keys=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bangfu`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:  # not for the commands that touch no identifier (making a key must work without one)
        if getattr(args, "needs_keys", True):
            configure_keyring(settings.keyring())
    except InvalidKeyConfiguration as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    result: int = args.func(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
