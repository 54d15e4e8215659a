"""Tessera settings.

Three configurations: ``Config`` (the embedded default: a SQLite file under ``instance/`` and a
local Redis, needs nothing), ``TestConfig`` and ``ProductionConfig`` (everything from environment
variables; a missing ``SECRET_KEY`` is a start-up error). ``TESSERA_CONFIG`` picks one by name.
"""
import os
from datetime import timedelta

from flask_appbuilder.const import AUTH_DB

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.environ.get("TESSERA_INSTANCE_DIR", os.path.join(BASE_DIR, "instance"))


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TRANSLATIONS_DIR = os.path.join(BASE_DIR, "translations")


def installed_languages(folder=TRANSLATIONS_DIR):
    """The one list of interface languages: English (the source language), then every language
    with a catalog at ``<folder>/<code>/LC_MESSAGES/messages.po`` (``flask translate add <code>``
    creates one), each named in its own language from Babel's locale data and flagged with its
    likely country for FAB's language menu. ``{"en": {"flag": "gb", "name": "English"}, ...}``"""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    languages = {"en": {"flag": "gb", "name": "English"}}
    codes = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    for code in codes:
        if code == "en" or not os.path.isfile(
                os.path.join(folder, code, "LC_MESSAGES", "messages.po")):
            continue
        try:
            locale = Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
        name = locale.get_display_name(locale) or code
        likely = get_global("likely_subtags").get(code, "")
        country = locale.territory or (likely.rsplit("_", 1)[-1] if "_" in likely else "")
        languages[code] = {"flag": country.lower(), "name": name[:1].upper() + name[1:]}
    return languages


MIN_SECRET_BYTES = 32


def instance_secret_key(instance_path):
    """The instance's own random secret key: read from ``<instance>/secret_key``, created there
    on first start (mode 0600, atomically, so several workers starting at once agree)."""
    import secrets

    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        tmp = f"{path}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # fails if another worker won the race: use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    with open(path, encoding="ascii") as handle:
        key = handle.read().strip()
    if len(key.encode()) < MIN_SECRET_BYTES:
        raise RuntimeError(f"{path} holds a key shorter than {MIN_SECRET_BYTES} bytes")
    return key


class Config:
    APP_NAME = "Tessera"
    APP_THEME = ""
    # No shared default: without SECRET_KEY the app generates a random key into the instance
    # folder on first start (file ``secret_key``, mode 0600) and reuses it (see app.secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or None  # None: the SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "tessera.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/0")
    # Jobs run in the worker; tests may set this to run them in-process.
    RQ_ASYNC = True

    # Security
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    # Login limits: failed attempts only, per username and per address, counted in Redis (see
    # app/services/platform/login_limits.py); FAB's own limiter (all POSTs per address) is off.
    AUTH_RATE_LIMITED = False
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 20 second")
    AUTH_RATE_LIMIT_PER_ADDRESS = os.environ.get("AUTH_RATE_LIMIT_PER_ADDRESS", "10 per 20 second")
    LOGIN_LIMIT_STORAGE_URI = os.environ.get("LOGIN_LIMIT_STORAGE_URI")  # None: REDIS_URL
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Number of reverse proxies in front of the app whose X-Forwarded-For / -Proto are trusted
    # (werkzeug's ProxyFix); 0: the socket's address is the client's.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0") or 0)
    # Sessions end after this long without a request, and this long after login regardless.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60")))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
    PASSWORD_MIN_LENGTH = 12
    FAB_PASSWORD_COMPLEXITY_ENABLED = True  # the validator is app.security.password_form_validator
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app._csrf_unless_bearer, see there
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    FAB_API_SWAGGER_UI = True
    FAB_ADD_SECURITY_API = False
    # Roles are builtin (code), so FAB need not write permission rows; the schema comes from
    # Alembic migrations, never from FAB's create_all at start-up.
    FAB_UPDATE_PERMS = False
    FAB_CREATE_DB = False
    FAB_API_MAX_PAGE_SIZE = 500
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(hours=8)

    # Languages (FAB's language menu); our catalogs override and complete FAB's.
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = TRANSLATIONS_DIR
    LANGUAGES = installed_languages()  # from the catalogs under translations/
    # The catalogs the app serves and the translator's workbench edits (default: the repo's
    # translations/); each process notices a changed catalog or a new language within this many
    # seconds, without a restart (app/services/platform/live_catalogs.py).
    TRANSLATIONS_FOLDER = os.environ.get("TESSERA_TRANSLATIONS_FOLDER", TRANSLATIONS_DIR)
    TRANSLATIONS_CHECK_SECONDS = float(os.environ.get("TESSERA_TRANSLATIONS_CHECK_SECONDS", "1"))

    # Business settings
    CURRENCY = os.environ.get("TESSERA_CURRENCY", "EUR")
    UPLOAD_FOLDER = os.path.join(INSTANCE_DIR, "uploads")
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    REPORTS_FOLDER = os.path.join(INSTANCE_DIR, "reports")

    # Mail (SMTP)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "tessera@localhost")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))  # below half the claim timeout
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "log")
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL")
    SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN")
    CENTRE_NAME = os.environ.get("TESSERA_CENTRE_NAME", "Tessera")
    TESSERA_TIMEZONE = os.environ.get("TESSERA_TIMEZONE", "UTC")
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "none")
    PAYMENT_HTTP_URL = os.environ.get("PAYMENT_HTTP_URL")
    PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET")

    # Messages: a claimed message whose worker died may be taken again after the timeout;
    # the periodic sweep re-queues messages stuck longer than MESSAGE_STALL_AFTER.
    MESSAGE_BATCH_SIZE = 100
    # Both short (≤ 1 minute) so a dead worker's mailing resumes within 2 minutes.
    MESSAGE_CLAIM_TIMEOUT = int(os.environ.get("MESSAGE_CLAIM_TIMEOUT", "60"))
    MESSAGE_STALL_AFTER = int(os.environ.get("MESSAGE_STALL_AFTER", "60"))
    REMINDER_PASS_DAYS = 3
    MAILING_CALLBACK_DAYS = 1
    MAILING_CALLBACK_HOUR = 10

    # Passes: time windows of plans (hours, local time) and bonus points per payment.
    PASS_TIME_WINDOWS = {"morning": ("06:00", "12:00"), "day": ("12:00", "17:00"),
                         "evening": ("17:00", "23:00")}
    BONUS_ACCRUAL_PERCENT = 5
    # Clients: age categories (upper bounds, exclusive).
    AGE_CATEGORY_BOUNDS = (("child", 13), ("teen", 18), ("adult", 65), ("senior", None))
    # Attendance: write a session off for "present" (present and late) or every "enrolled" member.
    ATTENDANCE_WRITE_OFF_POLICY = os.environ.get("TESSERA_WRITE_OFF_POLICY", "present")
    # The timetable grid's day and slot size.
    TIMETABLE_DAY_START = "07:00"
    TIMETABLE_DAY_END = "22:00"
    TIMETABLE_SLOT_MINUTES = 30
    REPORT_RETENTION_DAYS = int(os.environ.get("TESSERA_REPORT_RETENTION_DAYS", "14"))
    # REST API: a PUT must name the version it read (If-Match ETag or "version"); off lets old
    # clients overwrite blindly.
    API_REQUIRE_VERSION = _env_bool("TESSERA_API_REQUIRE_VERSION", True)
    # /metrics answers only "Authorization: Bearer <METRICS_TOKEN>" (404 while unset);
    # /health fails while no cron scheduler beats, unless this is off.
    METRICS_TOKEN = os.environ.get("TESSERA_METRICS_TOKEN")
    HEALTH_REQUIRE_SCHEDULER = _env_bool("TESSERA_HEALTH_REQUIRE_SCHEDULER", True)

    WKHTMLTOPDF_PATH = os.environ.get("WKHTMLTOPDF_PATH", "/usr/bin/wkhtmltopdf")

    # Documents (contracts, invoices, receipts, statements…): the centre's requisites printed on
    # every document, and where the PDFs are kept. CENTRE_LOGO is a file in app/static/ (the only
    # local folder wkhtmltopdf may read), e.g. "img/logo.png"; empty prints no logo.
    DOCUMENTS_FOLDER = os.path.join(INSTANCE_DIR, "documents")
    CENTRE_LEGAL_NAME = os.environ.get("TESSERA_CENTRE_LEGAL_NAME", "")
    CENTRE_ADDRESS = os.environ.get("TESSERA_CENTRE_ADDRESS", "")
    CENTRE_TAX_ID = os.environ.get("TESSERA_CENTRE_TAX_ID", "")
    CENTRE_BANK_DETAILS = os.environ.get("TESSERA_CENTRE_BANK_DETAILS", "")
    CENTRE_PHONE = os.environ.get("TESSERA_CENTRE_PHONE", "")
    CENTRE_EMAIL = os.environ.get("TESSERA_CENTRE_EMAIL", "")
    CENTRE_LOGO = os.environ.get("TESSERA_CENTRE_LOGO", "")
    CENTRE_SIGNATORY = os.environ.get("TESSERA_CENTRE_SIGNATORY", "")
    # Automatic documents (app/services/documents/automatic.py), each off unless switched on;
    # a shop sale always gets its numbered receipt.
    AUTO_RECEIPTS = _env_bool("TESSERA_AUTO_RECEIPTS")
    AUTO_RECEIPT_EMAIL = _env_bool("TESSERA_AUTO_RECEIPT_EMAIL")
    AUTO_REGISTRATION_INVOICES = _env_bool("TESSERA_AUTO_REGISTRATION_INVOICES")
    AUTO_COURSE_CERTIFICATES = _env_bool("TESSERA_AUTO_COURSE_CERTIFICATES")
    AUTO_CONTRACTS = _env_bool("TESSERA_AUTO_CONTRACTS")
    # The cash desk: refuse to take or return money without the cashier's open shift.
    PAYMENTS_REQUIRE_OPEN_SHIFT = _env_bool("TESSERA_PAYMENTS_REQUIRE_OPEN_SHIFT")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "tessera-test-key-of-a-decent-length-0123456789"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    WTF_CSRF_ENABLED = False
    # Tests log in many users from one address, some with wrong passwords on purpose.
    AUTH_RATE_LIMIT_PER_ADDRESS = "1000 per 20 second"


class ProductionConfig(Config):
    HSTS_ENABLED = _env_bool("HSTS_ENABLED", True)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get(
        "REDIS_URL", "memory://"
    )

    @classmethod
    def check(cls):
        """Production refuses to start on defaults that are only safe on a laptop."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
            value = os.environ.get(name)
            if value is not None and len(value.encode()) < MIN_SECRET_BYTES:
                raise RuntimeError(f"{name} must be at least {MIN_SECRET_BYTES} bytes long "
                                   "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')")


CONFIGS = {"default": Config, "test": TestConfig, "production": ProductionConfig}


def get_config(name=None):
    name = name or os.environ.get("TESSERA_CONFIG", "default")
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown TESSERA_CONFIG {name!r}; use one of {sorted(CONFIGS)}") from None
    if hasattr(config, "check"):
        config.check()
    return config
