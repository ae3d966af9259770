"""Settings, read from the environment with the `SANZHU_` prefix."""

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.core import keystore
from app.core.audit_keys import AuditKeys, generate_audit_keys
from app.core.crypto import (
    FieldCipher,
    IdNumberVault,
    generate_blind_index_key,
    generate_field_keys,
)
from app.core.signing_keys import KeyRing, generate_jwks

IMPORT_UPLOAD_CEILING = 1 << 30
DOCUMENT_UPLOAD_CEILING = 100 << 20
"""The most `SANZHU_DOCUMENT_MAX_BYTES` may be set to: the document route's body limit."""
"""No setting lets an upload exceed this; the import route's body limit is built on it."""
GENERATED_SECRETS = ("secret_key", "jwt_keys", "field_keys", "blind_index_key", "audit_keys")
_GENERATORS = {
    "jwt_keys": generate_jwks,
    "audit_keys": generate_audit_keys,
    "field_keys": generate_field_keys,
    "blind_index_key": generate_blind_index_key,
}


DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1", "::1", "testserver")
"""The hosts a development server answers to when `SANZHU_ALLOWED_HOSTS` is not set."""
MIN_SECRET_LENGTH = 32


PASSWORD_FLOOR = 8
"""The fewest characters any deployment's `password_min_length` allows; the contract states it."""


class Environment(StrEnum):
    development = "development"
    production = "production"


class ConfigurationError(RuntimeError):
    """The settings are unsafe or incomplete; the message is one line."""


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Every setting of the service; see the table in README.md."""

    model_config = SettingsConfigDict(env_prefix="SANZHU_", extra="ignore")

    environment: Environment = Environment.development
    database_url: str = "sqlite+aiosqlite:///./sanzhu.db"
    read_database_url: str | None = Field(
        default=None, description="Replica for statistics and large lists; default the primary."
    )
    allow_sqlite_in_production: bool = False
    secret_key: SecretStr | None = None
    jwt_keys: SecretStr | None = Field(
        default=None,
        description="JWKS of EC P-256 private keys with `kid`s; the first signs, all verify.",
    )
    field_keys: SecretStr | None = Field(
        default=None,
        description='AES-256 keys for personal fields, `{"keys": [{"kid", "k"}]}`; the first encrypts, all decrypt.',
    )
    blind_index_key: SecretStr | None = Field(
        default=None,
        description="HMAC key of the blind indexes; changing it needs a re-index of the ledger.",
    )
    audit_keys: SecretStr | None = Field(
        default=None,
        description='HMAC-SHA256 keys of the audit chain, `{"keys": [{"kid", "k"}]}` (`k`: base64, '
        "at least 32 bytes); the first seals and signs the published heads, all verify: keep "
        "every key that sealed events.",
    )
    audit_heads_file: Path | None = Field(
        default=None,
        description="File each sealed head of the audit chain is appended to (a signed JSON line), "
        "for shipping off the host; default `<state_dir>/audit-heads.jsonl`.",
    )
    jwt_issuer: str = "sanzhu"
    jwt_audience: str = "sanzhu-api"
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    principal_recheck_seconds: int = Field(default=60, ge=0, le=600)
    password_min_length: int = Field(default=10, ge=PASSWORD_FLOOR)
    password_hash_memory_kib: int = Field(default=65536, ge=1024)
    password_hash_concurrency: int = Field(
        default=4,
        ge=1,
        description="Password hashes computed at once per process, each in a worker thread "
        "holding the memory cost; more wait their turn.",
    )
    login_slowdown_after: int = Field(
        default=3, ge=1, description="Failed password checks of an account before each waits."
    )
    login_lock_after: int = Field(
        default=5, ge=2, description="Failed password checks that lock an account."
    )
    login_address_slowdown_after: int = Field(
        default=20,
        ge=1,
        description="Failed password checks from one address (over all its accounts) before "
        "each waits.",
    )
    login_address_lock_after: int = Field(
        default=100,
        ge=2,
        description="Failed password checks that lock an address: a higher class than an "
        "account's, since many people may sign in from one address (an office behind NAT).",
    )
    login_lock_minutes: int = Field(
        default=15, ge=1, description="How long a lock lasts, and how long failures are counted."
    )
    login_slowdown_seconds: float = Field(default=0.5, ge=0)
    demo_password: SecretStr | None = None
    person_lookups_per_minute: int = Field(
        default=30,
        ge=20,
        le=600,
        description="ID numbers one account may look up per minute (person search, members "
        "entered by form); beyond it 429 with Retry-After. Bounds how fast anyone can test "
        "guesses of a number; at least 20, the most members one household is entered with.",
    )
    transfer_request_escalation_working_days: int = Field(
        default=5,
        ge=1,
        le=60,
        description="Working days the sending street has to answer a transfer request; a "
        "request still pending after its due date is on the district's worklist.",
    )
    referral_due_working_days: int = Field(
        default=10,
        ge=1,
        le=60,
        description="Working days a receiving organisation has to close a referral when no "
        "rule of the routing table names a period for the need and the organisation's kind.",
    )
    state_dir: Path = Path(".sanzhu")

    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allowed_hosts: Annotated[list[str] | None, NoDecode] = Field(
        default=None,
        description="Host names the service answers to (`*.example.cn` for subdomains); "
        "required in production, the loopback names in development.",
    )
    log_level: str = "INFO"
    log_json: bool = True
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token `/metrics` requires; required in production.",
    )

    max_body_bytes: int = Field(default=1_048_576, ge=1)
    idempotency_ttl_hours: int = Field(default=24, ge=24)
    idempotency_lease_seconds: int = Field(
        default=10,
        ge=1,
        le=300,
        description="How long a request's claim on an Idempotency-Key lasts without renewal: "
        "the request renews it every third of this while it runs, so a claim whose request "
        "died (and whose release failed with it) lets the client's retry through this soon.",
    )

    server_healthcheck_seconds: int = Field(
        default=60,
        ge=5,
        le=600,
        description="How long `serve --workers N` waits for a server process to answer its "
        "parent's health check (uvicorn's `timeout_worker_healthcheck`) before killing and "
        "replacing it. A process answers only once it has imported the app, which takes "
        "several seconds on a busy machine; uvicorn's own 5 s killed processes still starting.",
    )
    run_worker_in_process: bool = True
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    worker_batch_size: int = Field(default=10, ge=1)
    job_lease_seconds: int = Field(default=300, ge=1)
    simulation_parts: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Parts an eligibility simulation's households are cut into, each a job, so "
        "that several worker processes (`sanzhu worker`, run more than once) walk them at the "
        "same time; one worker walks them one after the other.",
    )
    simulation_part_min_households: int = Field(
        default=25_000,
        ge=1,
        description="The fewest households a simulation part is given: a smaller subtree is cut "
        "into fewer parts (one below twice this), as a part's job costs a few statements.",
    )

    webhook_allow_private_targets: bool = Field(
        default=False,
        description="Let webhook subscriptions target loopback, link-local, private, multicast "
        "and reserved addresses (a test receiver on 127.0.0.1); off, such a target is refused "
        "when the subscription is saved and again at every send (SSRF).",
    )
    webhook_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="How long a webhook send may take to connect."
    )
    webhook_read_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="How long a webhook send waits for the receiver's answer (and each write).",
    )
    webhook_concurrency: int = Field(
        default=8, ge=1, le=100, description="Webhook sends one worker makes at the same time."
    )
    webhook_batch_size: int = Field(
        default=24,
        ge=1,
        le=500,
        description="Deliveries a worker claims at once; the batch must be sent within the lease.",
    )
    webhook_lease_seconds: int = Field(
        default=180,
        ge=10,
        description="How long a claimed batch of deliveries stays a worker's; a worker that dies "
        "mid-send leaves its deliveries to another worker once it runs out. Keep it above "
        "`ceil(batch / concurrency) * (connect + 2 * read timeout)`.",
    )
    webhook_retry_after_max_seconds: int = Field(
        default=6 * 3600,
        ge=1,
        description="The longest a receiver's `Retry-After` (429, 503) may defer the next attempt.",
    )

    import_dir: Path | None = Field(
        default=None,
        description="Where uploaded screening files wait for the worker (deleted once processed); "
        "default `<state_dir>/imports`.",
    )
    import_batch_size: int = Field(
        default=1000,
        ge=1,
        le=5000,
        description="Households an import writes per transaction; progress is saved with each batch.",
    )
    import_max_upload_bytes: int = Field(
        default=10 << 20,
        ge=1,
        le=IMPORT_UPLOAD_CEILING,
        description="Largest screening file an upload may send (413 `import_file_too_large`, "
        "refused while it streams); a street's 20,000 rows are about 3.5 MB of CSV.",
    )
    import_max_unpacked_bytes: int = Field(
        default=64 << 20,
        ge=1,
        description="Most an XLSX may unpack to, all its parts together (413 at upload from the "
        "sizes it declares, a failed import if it unpacks to more); 20,000 rows are about 15 MB.",
    )
    import_max_compression_ratio: int = Field(
        default=100,
        ge=1,
        description="Most a part of an XLSX larger than 1 MiB may be compressed (unpacked bytes "
        "per stored byte); rows compress about 10:1, zip bombs by thousands.",
    )
    import_max_rows: int = Field(
        default=20_000,
        ge=1,
        description="Data rows (persons) a screening file may hold, and blank rows besides; more "
        "fails the import (`import_too_many_rows`) before any row is read into the ledger.",
    )
    import_max_stored_errors: int = Field(
        default=1000,
        ge=1,
        le=1_000_000,
        description="Row errors an import keeps for download (the first, in row order); the "
        "others are counted (`errors_count`), not stored.",
    )

    documents_dir: Path | None = Field(
        default=None,
        description="Where household documents are stored, each once under its SHA-256 "
        "(`<dir>/<first two hex digits>/<sha256>`); default `<state_dir>/documents`. Back it "
        "up with the database: rows name the files.",
    )
    document_max_bytes: int = Field(
        default=10 << 20,
        ge=1,
        le=DOCUMENT_UPLOAD_CEILING,
        description="Largest household document an upload may send (413 `document_too_large`, "
        "refused while it streams); a phone photo is 2-5 MB, a scanned page under 1 MB.",
    )

    @field_validator("cors_origins", "trusted_proxies", "allowed_hosts", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("allowed_hosts")
    @classmethod
    def _named_hosts(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        hosts = [host.lower().rstrip(".") for host in value]
        if not hosts:
            raise ValueError("allowed hosts must name at least one host")
        if any(host == "*" or "*" in host.removeprefix("*.") for host in hosts):
            raise ValueError("allowed hosts must be named; '*' is refused ('*.domain' is allowed)")
        return hosts

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("CORS origins must be listed; '*' is refused")
        return value

    @model_validator(mode="after")
    def _address_limits_above_account_limits(self) -> Self:
        if self.login_address_lock_after < self.login_lock_after:
            raise ValueError(
                "login_address_lock_after must be at least login_lock_after: an address "
                "holds many accounts"
            )
        if self.login_address_slowdown_after < self.login_slowdown_after:
            raise ValueError("login_address_slowdown_after must be at least login_slowdown_after")
        return self

    @model_validator(mode="after")
    def _fill_development_secrets(self) -> Self:
        missing = [name for name in GENERATED_SECRETS if getattr(self, name) is None]
        if missing and self.environment is Environment.development:
            stored = keystore.load_or_create(self.state_dir, GENERATED_SECRETS, _GENERATORS)
            for name in missing:
                setattr(self, name, SecretStr(stored[name]))
        return self

    @property
    def trusted_hosts(self) -> list[str]:
        """The hosts requests may name: the configured ones, else the development loopback."""
        return self.allowed_hosts if self.allowed_hosts is not None else list(DEVELOPMENT_HOSTS)

    @property
    def imports_path(self) -> Path:
        return self.import_dir or self.state_dir / "imports"

    @property
    def documents_path(self) -> Path:
        return self.documents_dir or self.state_dir / "documents"

    @property
    def audit_heads_path(self) -> Path:
        return self.audit_heads_file or self.state_dir / "audit-heads.jsonl"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def secret_bytes(self) -> bytes:
        if self.secret_key is None:
            raise ConfigurationError("SANZHU_SECRET_KEY is not set")
        return self.secret_key.get_secret_value().encode()

    def field_cipher(self) -> FieldCipher:
        """The cipher of personal fields; ValueError when the keys are unusable."""
        return FieldCipher(self.field_keys.get_secret_value() if self.field_keys else "")

    def id_number_vault(self) -> IdNumberVault:
        """Encryption and blind index of ID numbers, from the field keys and the blind index key."""
        key = self.blind_index_key.get_secret_value() if self.blind_index_key else ""
        return IdNumberVault(self.field_cipher(), key)

    def audit_keyring(self) -> AuditKeys:
        """The keys of the audit chain; ValueError when they are unusable."""
        return AuditKeys(self.audit_keys.get_secret_value() if self.audit_keys else "")

    def check_production_ready(self) -> None:
        """Refuse unsafe production settings, naming the first problem in one line."""
        if self.environment is not Environment.production:
            return
        for name in GENERATED_SECRETS:
            value = getattr(self, name)
            if value is None:
                raise ConfigurationError(
                    f"production refuses to start: SANZHU_{name.upper()} is not set"
                )
            if (
                name in ("secret_key", "blind_index_key")
                and len(value.get_secret_value()) < MIN_SECRET_LENGTH
            ):
                raise ConfigurationError(
                    f"production refuses to start: SANZHU_{name.upper()} is shorter than "
                    f"{MIN_SECRET_LENGTH} characters"
                )
        try:
            KeyRing(self.jwt_keys.get_secret_value() if self.jwt_keys else "")
        except ValueError as exc:
            raise ConfigurationError(
                f"production refuses to start: SANZHU_JWT_KEYS is not a usable JWKS ({exc})"
            ) from None
        try:
            self.field_cipher()
        except ValueError as exc:
            raise ConfigurationError(
                f"production refuses to start: SANZHU_FIELD_KEYS is not usable ({exc})"
            ) from None
        try:
            self.audit_keyring()
        except ValueError as exc:
            raise ConfigurationError(
                f"production refuses to start: SANZHU_AUDIT_KEYS is not usable ({exc})"
            ) from None
        if self.is_sqlite and not self.allow_sqlite_in_production:
            raise ConfigurationError(
                "production refuses to start: SQLite database without "
                "SANZHU_ALLOW_SQLITE_IN_PRODUCTION=true; set SANZHU_DATABASE_URL to PostgreSQL"
            )
        if self.allowed_hosts is None:
            raise ConfigurationError(
                "production refuses to start: SANZHU_ALLOWED_HOSTS is not set "
                "(the host names clients use, comma-separated)"
            )
        if self.metrics_token is None:
            raise ConfigurationError(
                "production refuses to start: SANZHU_METRICS_TOKEN is not set (/metrics would be public)"
            )
        if len(self.metrics_token.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ConfigurationError(
                "production refuses to start: SANZHU_METRICS_TOKEN is shorter than "
                f"{MIN_SECRET_LENGTH} characters"
            )
