"""The command line: keys, migrations, the first-start key, and settings from flags, env and TOML."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tunesmith.cli import _announce_first_key, app
from tunesmith.service.keys import hash_key
from tunesmith.services import build_services
from tunesmith.settings import load_settings
from tunesmith.store import migrate

runner = CliRunner()


def test_keys_create_prints_a_working_key_once_and_list_never_shows_it(tmp_path: Path) -> None:
    args = ["keys", "create", "--credits", "42", "--name", "me", "--data-dir", str(tmp_path)]
    first = runner.invoke(app, [*args, "--create-database"])
    assert first.exit_code == 0, first.output
    assert first.stderr.strip() == f"database: sqlite:///{(tmp_path / 'tunesmith.db').resolve()}"
    token = first.stdout.strip()
    assert token.startswith("tsk_") and len(token) > 30
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        key = services.store.get_key_by_hash(hash_key(token))
        assert key is not None and key.credits == 42 and key.name == "me"
    finally:
        services.close()
    listing = runner.invoke(app, ["keys", "list", "--data-dir", str(tmp_path)])
    assert listing.exit_code == 0 and "me" in listing.output and token not in listing.output


def test_migrate_reports_the_head_revision_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    url = f"sqlite:///{(tmp_path / 'tunesmith.db').resolve()}"
    assert result.stdout == f"database {url}: schema {migrate.head_revision()} (created)\n"
    again = runner.invoke(app, ["migrate", "--data-dir", str(tmp_path)])
    assert again.stdout.endswith("(up to date)\n")


def test_first_start_prints_a_key_once_with_the_next_step(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        _announce_first_key(services)
        shown = capsys.readouterr().out
        token = next(word for word in shown.split() if word.startswith("tsk_"))
        assert services.store.get_key_by_hash(hash_key(token)) is not None
        assert "/api/v1/generate" in shown
        _announce_first_key(services)
        assert capsys.readouterr().out == ""
        assert services.store.count_keys() == 1
    finally:
        services.close()


def test_configured_keys_mean_no_first_key(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    services = build_services(load_settings(data_dir=tmp_path, api_keys=["dev-key"]))
    try:
        _announce_first_key(services)
        assert capsys.readouterr().out == ""
        assert services.keys.authenticate("Bearer dev-key").unlimited
    finally:
        services.close()


def test_settings_precedence_flag_env_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "tunesmith.toml"
    config.write_text(
        'port = 9100\nworkers = 3\npublic_url = "https://music.example"\n'
        'callback_allow = ["10.0.0.0/8"]\n[models]\nV5 = "composer"\n[costs]\ngenerate = 7\n'
    )
    monkeypatch.setenv("TUNESMITH_WORKERS", "5")
    monkeypatch.setenv("TUNESMITH_API_KEYS", "a, b")
    settings = load_settings(config_file=config, port=9200)
    assert settings.port == 9200  # flag beats TOML
    assert settings.workers == 5  # env beats TOML
    assert settings.effective_public_url == "https://music.example"
    assert settings.callback_allow == ["10.0.0.0/8"] and settings.api_keys == ["a", "b"]
    assert settings.models == {"V5": "composer"} and settings.cost_of("generate") == 7
    assert load_settings(data_dir=tmp_path).effective_database_url.startswith("sqlite:///")


@pytest.mark.postgres
def test_plain_postgresql_urls_use_psycopg_3(pg_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`postgresql://` would make SQLAlchemy look for psycopg2, which Tunesmith does not ship."""
    plain = pg_database_url.replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("TUNESMITH_DATABASE_URL", plain)
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"database {plain}: schema {migrate.head_revision()}")
