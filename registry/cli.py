"""Flask commands: create-admin, seed-demo, frameworks import-sdg and import-nua, taxonomy sync,
generate stakeholders and registry, counts check and recount, sessions purge, imports purge,
coverage refresh, remind-overdue, export."""

from __future__ import annotations

from pathlib import Path

import click
import redis
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import IntegrityError

from registry.extensions import db

frameworks_cli = AppGroup("frameworks", help="Reference frameworks (SDGs, resolutions).")
taxonomy_cli = AppGroup("taxonomy", help="Sectors, constituencies and GAP groups.")
generate_cli = AppGroup("generate", help="Synthetic data for benchmarks (never in production).")
counts_cli = AppGroup("counts", help="The maintained public counts (registry.counts).")
sessions_cli = AppGroup("sessions", help="Logins (registry.auth.sessions).")
imports_cli = AppGroup("imports", help="Uploaded import files (registry.imports).")
coverage_cli = AppGroup("coverage", help="The coverage page's whole-registry figures.")


@coverage_cli.command("refresh")
@with_appcontext
def coverage_refresh() -> None:
    """Compute the whole-registry coverage, commitments per goal and lights over time now, and
    keep them in Redis for every worker (after a deploy, or from cron)."""
    from registry.coverage import memo, views

    try:
        took = views.refresh_whole_registry()
    except redis.RedisError as exc:
        raise click.ClickException(f"Redis is unavailable: {exc}") from exc
    for name, seconds in took:
        click.echo(f"{name}: {seconds:.2f} s")
    if not memo.shared():
        click.echo("No PAGE_CACHE_URL or REDIS_URL: computed, but each worker keeps its own.")


@counts_cli.command("check")
@with_appcontext
def counts_check() -> None:
    """Compare the maintained counts with a recount; exit 1 if they differ."""
    from registry import counts

    wrong = []
    for key in counts.counted_lists():
        listing = counts.listing_for(key)
        if counts.stored(listing) != counts.computed(listing):
            wrong.append(key)
    if wrong:
        raise click.ClickException(f"counts differ from a recount: {', '.join(wrong)}")
    click.echo("The maintained counts equal a recount.")


@counts_cli.command("recount")
@with_appcontext
def counts_recount() -> None:
    """Rebuild the maintained counts from the rows (after a bulk load, or to repair them)."""
    from registry import counts

    done = counts.recount_all()
    db.session.commit()
    click.echo(f"Recounted: {', '.join(done)}.")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="Display name.")
@with_appcontext
def create_admin(email: str, name: str) -> None:
    """Create an administrator account; the password is asked for, never an argument."""
    from registry.auth.forms import PASSWORD_MAX, PASSWORD_MIN
    from registry.auth.services import EmailTaken, register_user
    from registry.models import Role

    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(
            f"The password must be between {PASSWORD_MIN} and {PASSWORD_MAX} characters."
        )
    try:
        user = register_user(name, email, password, role=Role.ADMIN, verified=True)
        db.session.commit()
    except (EmailTaken, IntegrityError) as exc:
        db.session.rollback()
        raise click.ClickException(f"An account with the email {email} already exists.") from exc
    click.echo(f"Administrator {user.email} created.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo registry of DOMAIN.md (idempotent; refused in production)."""
    from registry.demo import DemoRefused, seed_demo

    try:
        summary = seed_demo()
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(summary)


@frameworks_cli.command("import-sdg")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def import_sdg_command(directory: Path) -> None:
    """Load the SDG goals, targets and indicators (open-sdg YAML, six languages)."""
    from registry.frameworks.sdg import SdgDataError
    from registry.frameworks.services import import_sdg

    try:
        summary = import_sdg(directory)
    except SdgDataError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(summary)


@frameworks_cli.command("import-nua")
def import_nua_command() -> None:
    """Load the New Urban Agenda's sections (its outline is kept in the code)."""
    from registry.frameworks.nua import import_nua

    summary = import_nua()
    db.session.commit()
    click.echo(summary)


@taxonomy_cli.command("sync")
def sync_taxonomy_command() -> None:
    """Write the sectors, constituencies and GAP mapping into their tables."""
    from registry.taxonomy import VERSION, sync_taxonomy

    changed = sync_taxonomy()
    db.session.commit()
    click.echo(f"Taxonomy {VERSION.isoformat()}: {'updated' if changed else 'already current'}.")


@generate_cli.command("stakeholders")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True, help="The same seed gives the same rows.")
def generate_stakeholders_command(count: int, seed: int) -> None:
    """Add COUNT synthetic stakeholders, mostly approved, flagged as demo rows."""
    from registry.generate import GenerateRefused, generate_stakeholders

    try:
        added = generate_stakeholders(count, seed=seed)
    except GenerateRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Generated {added} synthetic stakeholders (seed {seed}).")


@generate_cli.command("registry")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True, help="The same seed gives the same rows.")
def generate_registry_command(count: int, seed: int) -> None:
    """Add COUNT synthetic stakeholders with initiatives, partnerships, engagements,
    commitments and progress reports in realistic proportions, flagged as demo rows."""
    from time import perf_counter

    from registry.generate import GenerateRefused, generate_registry
    from registry.generate.full import planned

    started = perf_counter()
    timings: dict[str, float] = {}
    try:
        with click.progressbar(
            length=sum(planned(count).values()), label="Generating", show_pos=True
        ) as bar:
            written = generate_registry(count, seed=seed, progress=bar.update, timings=timings)
        db.session.commit()
    except GenerateRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    seconds = perf_counter() - started
    width = max(len(name) for name in written)
    for name, rows in written.items():
        click.echo(f"{name:<{width}}  {rows:>10,}")
    total = sum(written.values())
    click.echo(f"{'total':<{width}}  {total:>10,}")
    alignment = ("initiative_alignment", "engagement_alignment", "commitment_alignment")
    if not any(written[name] for name in alignment):
        click.echo(
            "No framework items: alignment skipped "
            "(flask frameworks import-sdg DIR and import-nua load them)."
        )
    click.echo(
        f"Generated a registry of {count:,} stakeholders (seed {seed}): {total:,} rows "
        f"in {seconds:.1f} s, {total / seconds:,.0f} rows/s (making and writing rows "
        f"{timings['rows']:.1f} s, building indexes {timings['indexes']:.1f} s, recounting "
        f"{timings['counts']:.1f} s, the rest committing)."
    )


@sessions_cli.command("purge")
def purge_sessions_command() -> None:
    """Delete the logins past their absolute lifetime (each login clears its own account's
    too; run this from cron to keep the table small)."""
    from registry.auth.sessions import purge

    removed = purge()
    db.session.commit()
    click.echo(f"Removed {removed} expired logins.")


@imports_cli.command("purge")
@click.option(
    "--keep-days",
    type=click.IntRange(min=0, max=3650),
    default=30,
    show_default=True,
    help="Days a confirmed import's file is kept.",
)
def purge_imports_command(keep_days: int) -> None:
    """Delete uploaded import files past their preview's lifetime, and confirmed ones older
    than --keep-days (what they wrote stays, and its audit row); run it daily from cron."""
    from datetime import timedelta

    from registry.imports.batches import purge

    removed = purge(keep_confirmed=timedelta(days=keep_days))
    db.session.commit()
    click.echo(f"Removed {removed} import batches.")


@click.command("remind-overdue")
@with_appcontext
def remind_overdue_command() -> None:
    """Mail the members of organizations whose commitments are overdue (no progress report
    for 12 months), once per commitment per REMINDER_PERIOD_DAYS; run it daily from cron."""
    from registry.commitments.reminders import remind_overdue

    try:
        summary = remind_overdue()
    except ValueError as exc:  # a misconfigured reminder period
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.line())


def register_cli(app: Flask) -> None:
    commands = (
        create_admin,
        seed_demo_command,
        frameworks_cli,
        taxonomy_cli,
        generate_cli,
        counts_cli,
        sessions_cli,
        imports_cli,
        coverage_cli,
        remind_overdue_command,
        export_command,
    )
    for command in commands:
        app.cli.add_command(command)


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Write every public list into DIRECTORY as a Frictionless Data Package: one CSV per
    list and datapackage.json (a Table Schema per file, the licence, the sources)."""
    from registry.exports import package

    tables = list(package.TABLES.values())
    total = sum(package.count(table) for table in tables)
    with click.progressbar(length=total, label="Exporting", show_pos=True) as bar:
        written = package.export(directory, lambda _table, n: bar.update(n))
    db.session.rollback()  # read only: end the transaction the statements ran in
    for name, rows in written.items():
        click.echo(f"{directory / (name + '.csv')}: {rows} rows")
    click.echo(f"{directory / 'datapackage.json'}: CC-BY-4.0; check it with frictionless validate")
