"""Settings: development secrets, production checks and values from the environment."""

import json
import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from app.core.audit_keys import generate_audit_keys
from app.core.config import ConfigurationError, Environment, Settings
from app.core.crypto import generate_field_keys
from app.core.keystore import KEYSTORE_FILE
from app.core.signing_keys import generate_jwks

POSTGRES_URL = "postgresql+asyncpg://sanzhu:pw@db.internal:5432/sanzhu"
LONG_SECRET = "s" * 40


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SANZHU_ variable of the machine running the tests leaks into them."""
    for name in list(os.environ):
        if name.upper().startswith("SANZHU_"):
            monkeypatch.delenv(name)


JWKS = generate_jwks()
FIELD_KEYS = generate_field_keys()
BLIND_INDEX_KEY = "b" * 32
AUDIT_KEYS = generate_audit_keys()
METRICS_TOKEN = "m" * 32
FROM_ENVIRONMENT = object()
"""An override that leaves the setting to the environment."""


def _production(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "database_url": POSTGRES_URL,
        "secret_key": LONG_SECRET,
        "jwt_keys": JWKS,
        "field_keys": FIELD_KEYS,
        "blind_index_key": BLIND_INDEX_KEY,
        "audit_keys": AUDIT_KEYS,
        "allowed_hosts": ["ledger.example.cn"],
        "metrics_token": METRICS_TOKEN,
        "state_dir": tmp_path / "state",
    }
    values.update(overrides)
    given = {name: value for name, value in values.items() if value is not FROM_ENVIRONMENT}
    return Settings(**given)  # type: ignore[arg-type]


def _refusal(settings: Settings) -> str:
    with pytest.raises(ConfigurationError) as caught:
        settings.check_production_ready()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("production refuses to start: ")
    return message


class TestDevelopmentSecrets:
    def test_missing_secret_is_filled_from_the_keystore(self, tmp_path: Path) -> None:
        state = tmp_path / "state"
        settings = Settings(environment="development", secret_key=None, state_dir=state)
        assert settings.secret_key is not None
        value = settings.secret_key.get_secret_value()
        assert len(value) == 64
        stored = json.loads((state / KEYSTORE_FILE).read_text(encoding="utf-8"))
        assert stored["secret_key"] == value

    def test_second_settings_gets_the_same_secret(self, tmp_path: Path) -> None:
        state = tmp_path / "state"
        first = Settings(environment="development", secret_key=None, state_dir=state)
        second = Settings(environment="development", secret_key=None, state_dir=state)
        assert first.secret_key is not None
        assert second.secret_key is not None
        assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
        assert first.secret_bytes == second.secret_bytes

    def test_explicit_secret_is_kept_and_nothing_is_written(self, tmp_path: Path) -> None:
        state = tmp_path / "state"
        settings = Settings(
            environment="development",
            secret_key="given",
            jwt_keys=JWKS,
            field_keys=FIELD_KEYS,
            blind_index_key=BLIND_INDEX_KEY,
            audit_keys=AUDIT_KEYS,
            state_dir=state,
        )
        assert settings.secret_key == SecretStr("given")
        assert settings.secret_bytes == b"given"
        assert not state.exists()

    def test_secret_from_the_environment_is_used(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_SECRET_KEY", "from-the-environment")
        monkeypatch.setenv("SANZHU_JWT_KEYS", JWKS)
        monkeypatch.setenv("SANZHU_FIELD_KEYS", FIELD_KEYS)
        monkeypatch.setenv("SANZHU_BLIND_INDEX_KEY", BLIND_INDEX_KEY)
        monkeypatch.setenv("SANZHU_AUDIT_KEYS", AUDIT_KEYS)
        settings = Settings(state_dir=tmp_path / "state")
        assert settings.secret_bytes == b"from-the-environment"
        assert not (tmp_path / "state").exists()

    def test_production_never_generates_a_secret(self, tmp_path: Path) -> None:
        state = tmp_path / "state"
        settings = Settings(environment="production", secret_key=None, state_dir=state)
        assert settings.secret_key is None
        assert not state.exists()
        with pytest.raises(ConfigurationError, match="SANZHU_SECRET_KEY"):
            _ = settings.secret_bytes

    def test_default_environment_is_development(self, tmp_path: Path) -> None:
        assert Settings(state_dir=tmp_path / "state").environment is Environment.development


class TestCheckProductionReady:
    def test_development_is_never_refused(self, tmp_path: Path) -> None:
        Settings(environment="development", state_dir=tmp_path / "s").check_production_ready()

    def test_missing_secret_is_refused_in_one_line(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, secret_key=None))
        assert "SANZHU_SECRET_KEY" in message
        assert "not set" in message

    def test_secret_of_31_characters_is_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, secret_key="x" * 31))
        assert "SANZHU_SECRET_KEY" in message
        assert "shorter than 32" in message

    def test_secret_of_32_characters_is_accepted(self, tmp_path: Path) -> None:
        _production(tmp_path, secret_key="x" * 32).check_production_ready()

    def test_missing_field_keys_are_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, field_keys=None))
        assert "SANZHU_FIELD_KEYS" in message
        assert "not set" in message

    def test_unusable_field_keys_are_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, field_keys='{"keys": []}'))
        assert "SANZHU_FIELD_KEYS is not usable" in message

    def test_missing_audit_keys_are_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, audit_keys=None))
        assert "SANZHU_AUDIT_KEYS" in message
        assert "not set" in message

    def test_unusable_audit_keys_are_refused(self, tmp_path: Path) -> None:
        short = '{"keys": [{"kid": "a", "k": "c2hvcnQ="}]}'
        message = _refusal(_production(tmp_path, audit_keys=short))
        assert "SANZHU_AUDIT_KEYS is not usable (audit keys must have at least 32 bytes)" in message

    def test_development_generates_audit_keys_once(self, tmp_path: Path) -> None:
        first = Settings(environment="development", state_dir=tmp_path / "state")
        second = Settings(environment="development", state_dir=tmp_path / "state")
        assert first.audit_keys == second.audit_keys
        assert first.audit_keyring().current_kid == second.audit_keyring().current_kid
        assert first.audit_heads_path == tmp_path / "state" / "audit-heads.jsonl"

    def test_blind_index_key_of_31_characters_is_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, blind_index_key="k" * 31))
        assert "SANZHU_BLIND_INDEX_KEY" in message
        assert "shorter than 32" in message

    def test_development_generates_field_keys_that_work(self, tmp_path: Path) -> None:
        settings = Settings(environment="development", state_dir=tmp_path / "state")
        cipher = settings.field_cipher()
        token = cipher.encrypt("110101199003070015", context="person.id_number")
        assert cipher.decrypt(token, context="person.id_number") == "110101199003070015"
        assert settings.blind_index_key is not None
        assert len(settings.blind_index_key.get_secret_value()) >= 32

    def test_sqlite_is_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, database_url="sqlite+aiosqlite:///./x.db"))
        assert "SQLite" in message
        assert "SANZHU_ALLOW_SQLITE_IN_PRODUCTION" in message

    def test_sqlite_is_accepted_when_explicitly_allowed(self, tmp_path: Path) -> None:
        _production(
            tmp_path, database_url="sqlite+aiosqlite:///./x.db", allow_sqlite_in_production=True
        ).check_production_ready()

    def test_default_database_is_sqlite_and_refused(self, tmp_path: Path) -> None:
        settings = Settings(
            environment="production",
            secret_key=LONG_SECRET,
            jwt_keys=JWKS,
            field_keys=FIELD_KEYS,
            blind_index_key=BLIND_INDEX_KEY,
            audit_keys=AUDIT_KEYS,
            state_dir=tmp_path / "s",
        )
        assert settings.is_sqlite is True
        assert "SQLite" in _refusal(settings)

    def test_postgres_with_a_long_secret_passes(self, tmp_path: Path) -> None:
        settings = _production(tmp_path)
        assert settings.is_sqlite is False
        settings.check_production_ready()

    def test_secret_is_checked_before_the_database(self, tmp_path: Path) -> None:
        message = _refusal(
            _production(tmp_path, secret_key=None, database_url="sqlite+aiosqlite:///./x.db")
        )
        assert "SANZHU_SECRET_KEY" in message

    def test_production_from_the_environment_is_checked(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_ENVIRONMENT", "production")
        monkeypatch.setenv("SANZHU_DATABASE_URL", POSTGRES_URL)
        settings = Settings(state_dir=tmp_path / "s")
        assert settings.environment is Environment.production
        assert "SANZHU_SECRET_KEY" in _refusal(settings)


class TestAllowedHostsAndMetricsInProduction:
    def test_production_without_allowed_hosts_is_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, allowed_hosts=None))
        assert "SANZHU_ALLOWED_HOSTS is not set" in message

    def test_production_without_a_metrics_token_is_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, metrics_token=None))
        assert "SANZHU_METRICS_TOKEN is not set" in message

    def test_a_short_metrics_token_is_refused(self, tmp_path: Path) -> None:
        message = _refusal(_production(tmp_path, metrics_token="m" * 31))
        assert "SANZHU_METRICS_TOKEN is shorter than 32" in message

    def test_production_from_the_environment_names_its_hosts_and_token(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_ALLOWED_HOSTS", "Ledger.Example.CN., *.api.example.cn")
        monkeypatch.setenv("SANZHU_METRICS_TOKEN", METRICS_TOKEN)
        settings = _production(
            tmp_path, allowed_hosts=FROM_ENVIRONMENT, metrics_token=FROM_ENVIRONMENT
        )
        assert settings.trusted_hosts == ["ledger.example.cn", "*.api.example.cn"]
        settings.check_production_ready()


class TestAllowedHosts:
    def test_development_answers_the_loopback_names_by_default(self, tmp_path: Path) -> None:
        settings = Settings(state_dir=tmp_path / "s")
        assert settings.allowed_hosts is None
        assert settings.trusted_hosts == ["localhost", "127.0.0.1", "::1", "testserver"]

    @pytest.mark.parametrize("hosts", ["*", "ledger.example.cn,*", "ledger*.example.cn", ","])
    def test_a_wildcard_for_every_host_or_no_host_is_refused(
        self, hosts: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_ALLOWED_HOSTS", hosts)
        with pytest.raises(ValidationError, match="allowed hosts"):
            Settings(state_dir=tmp_path / "s")


class TestCorsOrigins:
    def test_default_is_no_origin(self, tmp_path: Path) -> None:
        assert Settings(state_dir=tmp_path / "s").cors_origins == []

    def test_wildcard_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="'\\*' is refused"):
            Settings(cors_origins=["*"], state_dir=tmp_path / "s")

    def test_wildcard_among_origins_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="CORS"):
            Settings(cors_origins=["https://a.cn", "*"], state_dir=tmp_path / "s")

    def test_comma_separated_environment_value_becomes_a_list(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_CORS_ORIGINS", "https://a.cn, https://b.cn")
        settings = Settings(state_dir=tmp_path / "s")
        assert settings.cors_origins == ["https://a.cn", "https://b.cn"]

    def test_empty_items_are_dropped(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SANZHU_CORS_ORIGINS", " https://a.cn ,, ")
        assert Settings(state_dir=tmp_path / "s").cors_origins == ["https://a.cn"]

    def test_wildcard_from_the_environment_is_refused(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_CORS_ORIGINS", "https://a.cn, *")
        with pytest.raises(ValidationError):
            Settings(state_dir=tmp_path / "s")

    def test_trusted_proxies_are_comma_separated_too(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SANZHU_TRUSTED_PROXIES", "10.0.0.1,10.0.0.2")
        assert Settings(state_dir=tmp_path / "s").trusted_proxies == ["10.0.0.1", "10.0.0.2"]


class TestLimits:
    def test_idempotency_keys_are_kept_at_least_24_hours(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError):
            Settings(idempotency_ttl_hours=23, state_dir=tmp_path / "s")
        assert (
            Settings(idempotency_ttl_hours=24, state_dir=tmp_path / "s").idempotency_ttl_hours == 24
        )

    def test_body_limit_must_be_positive(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError):
            Settings(max_body_bytes=0, state_dir=tmp_path / "s")

    def test_imports_are_bounded_by_default(self, tmp_path: Path) -> None:
        settings = Settings(state_dir=tmp_path / "s")
        assert (
            settings.import_max_upload_bytes,
            settings.import_max_unpacked_bytes,
            settings.import_max_compression_ratio,
            settings.import_max_rows,
            settings.import_max_stored_errors,
        ) == (10 << 20, 64 << 20, 100, 20_000, 1000)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("import_max_upload_bytes", (1 << 30) + 1),
            ("import_max_upload_bytes", 0),
            ("import_max_unpacked_bytes", 0),
            ("import_max_compression_ratio", 0),
            ("import_max_rows", 0),
            ("import_max_stored_errors", 0),
        ],
    )
    def test_import_limits_cannot_be_switched_off(
        self, tmp_path: Path, name: str, value: int
    ) -> None:
        with pytest.raises(ValidationError):
            Settings(state_dir=tmp_path / "s", **{name: value})


class TestLoginLimits:
    def test_an_address_locks_later_than_an_account_by_default(self, tmp_path: Path) -> None:
        settings = Settings(state_dir=tmp_path)

        assert settings.login_address_lock_after > settings.login_lock_after
        assert settings.login_address_slowdown_after > settings.login_slowdown_after

    @pytest.mark.parametrize(
        "limits",
        [
            {"login_lock_after": 10, "login_address_lock_after": 9},
            {"login_slowdown_after": 5, "login_address_slowdown_after": 4},
        ],
        ids=["lock", "slowdown"],
    )
    def test_an_address_limit_below_the_account_limit_is_refused(
        self, tmp_path: Path, limits: dict[str, int]
    ) -> None:
        with pytest.raises(ValidationError, match="login_address_"):
            Settings(state_dir=tmp_path, **limits)  # type: ignore[arg-type]
