"""wangge settings: the one settings module, configured from the environment.

With no environment at all wangge runs on SQLite (WAL mode) in ``./data``;
``DATABASE_URL=postgres://…`` switches to PostgreSQL. Every knob is an
environment variable listed in docs/configuration.md.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("WANGGE_DATA_DIR", PROJECT_DIR / "data"))

DEBUG = env_bool("DEBUG", False)

# Without SECRET_KEY a per-installation key is generated once into the data
# folder, so nothing secret lives in the repository and sessions survive restarts.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        from django.core.management.utils import get_random_secret_key

        _key_file.write_text(get_random_secret_key())
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "wangge.accounts",
    "wangge.areas",
    "wangge.people",
    "wangge.ledger",
    "wangge.cases",
    "wangge.partners",
    "wangge.volunteers",
    "wangge.activities",
    "wangge.projects",
    "wangge.visits",
    "wangge.stats",
    "wangge.maps",
    "wangge.open311",
    "wangge.demo",
    "wangge.scale",
    "wangge.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Serves the API docs' Swagger UI from our own static files (CSP allows no CDN).
    "ninja",
]

# Background jobs (the periodic escalation of overdue cases): django-tasks with
# its database backend; `manage.py db_worker` runs them, no broker needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wangge.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangge.cases.context_processors.bell",
            ],
        },
    },
]

WSGI_APPLICATION = "wangge.wsgi.application"

# --- Database -------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'wangge.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and a writer work at once; see docs/configuration.md.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A read replica of the primary (docs/scaling.md): dashboards, figures and exports read from it
# through wangge.db.reading(); every write and every migration stays on default (the router).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests read the replica from the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # Refuse writes even if the URL names the primary by mistake.
        _options = DATABASES["replica"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c default_transaction_read_only=on".strip()
# psycopg's connection pool instead of persistent connections (DB_POOL=true, docs/configuration.md):
# each process keeps DB_POOL_MIN_SIZE to DB_POOL_MAX_SIZE connections and lends one to each request.
# Django refuses a pool beside persistent connections, so CONN_MAX_AGE becomes 0.
if env_bool("DB_POOL", False):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _database["CONN_MAX_AGE"] = 0
            _database.setdefault("OPTIONS", {})["pool"] = {
                "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
                "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "4")),
                "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
            }
DATABASE_ROUTERS = ["wangge.db.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# A locked-out login gets a page saying why and for how long (the API keeps its JSON).
AXES_LOCKOUT_CALLABLE = "wangge.web.views.locked_out"

# API tokens live this many days.
WANGGE_TOKEN_DAYS = int(os.environ.get("WANGGE_TOKEN_DAYS", "30"))

# Roles that may open a resident's full ID number or phone (each opening is logged).
WANGGE_REVEAL_ROLES = env_list(
    "WANGGE_REVEAL_ROLES", "grid_worker,community_staff,community_head,street_staff,city_admin"
)

# A ledger import can be undone for this many hours (while nothing depends on it yet);
# uploaded files and error sheets are deleted after the same time.
WANGGE_IMPORT_UNDO_HOURS = int(os.environ.get("WANGGE_IMPORT_UNDO_HOURS", "24"))
# Uploads of more rows than this are checked and imported by the background worker
# (manage.py db_worker) with a progress bar on the page; smaller ones within the request.
WANGGE_IMPORT_BACKGROUND_ROWS = int(os.environ.get("WANGGE_IMPORT_BACKGROUND_ROWS", "5000"))
# List exports (cases, visits, residents, volunteers, activities) of more rows than this are written
# by the background worker, with a progress page and a download link; smaller ones within the request.
WANGGE_EXPORT_BACKGROUND_ROWS = int(os.environ.get("WANGGE_EXPORT_BACKGROUND_ROWS", "20000"))

# --- The case loop (docs/cases.md) ------------------------------------------
# A photo may be at most this many bytes; only JPEG, PNG and WebP are kept.
WANGGE_CASE_PHOTO_MAX_BYTES = int(os.environ.get("WANGGE_CASE_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
# Photos one case may hold in all, and how many of them a resident may add.
WANGGE_CASE_MAX_PHOTOS = int(os.environ.get("WANGGE_CASE_MAX_PHOTOS", "30"))
WANGGE_PUBLIC_MAX_PHOTOS = int(os.environ.get("WANGGE_PUBLIC_MAX_PHOTOS", "6"))
# Requests per client address to the public (no account) pages and endpoints.
WANGGE_PUBLIC_POST_RATE = os.environ.get("WANGGE_PUBLIC_POST_RATE", "10/m")
WANGGE_PUBLIC_GET_RATE = os.environ.get("WANGGE_PUBLIC_GET_RATE", "60/m")
# "Due soon" in the work lists: the deadline falls within this many hours.
WANGGE_CASE_DUE_SOON_HOURS = int(os.environ.get("WANGGE_CASE_DUE_SOON_HOURS", "24"))
# How often the background job escalates overdue cases.
WANGGE_ESCALATION_INTERVAL_MINUTES = int(os.environ.get("WANGGE_ESCALATION_INTERVAL_MINUTES", "30"))
# A volunteer help task nobody accepts within this many hours is escalated to its community
# (the same background job interval as above).
WANGGE_TASK_ACCEPT_HOURS = int(os.environ.get("WANGGE_TASK_ACCEPT_HOURS", "24"))
# Where notifications go: dotted paths of wangge.cases.notifications.Channel classes.
WANGGE_NOTIFICATION_CHANNELS = env_list("WANGGE_NOTIFICATION_CHANNELS", "wangge.cases.notifications.InAppChannel")

# --- Open311 GeoReport v2 (docs/open311.md) -----------------------------------
# Requests per minute (or /s, /h, /d) a newly issued key may make; each key's rate can be changed.
WANGGE_OPEN311_KEY_RATE = os.environ.get("WANGGE_OPEN311_KEY_RATE", "60/m")
# Reads without a key, per client address.
WANGGE_OPEN311_ANONYMOUS_RATE = os.environ.get("WANGGE_OPEN311_ANONYMOUS_RATE", "60/m")
# A point outside every grid boundary goes to the nearest grid centre within this distance.
WANGGE_OPEN311_NEAREST_GRID_KM = float(os.environ.get("WANGGE_OPEN311_NEAREST_GRID_KM", "2.0"))
# The discovery document: whom to ask, how to get a key, and whether this endpoint is live.
WANGGE_OPEN311_CONTACT = os.environ.get("WANGGE_OPEN311_CONTACT") or _(
    "请联系本市网格化服务管理平台的市级管理员（市委社会工作部）"
)
WANGGE_OPEN311_KEY_SERVICE = os.environ.get("WANGGE_OPEN311_KEY_SERVICE") or _(
    "API 密钥由市级管理员签发：说明您的应用名称和用途，管理员运行 manage.py open311_key 应用名称 后把密钥交给您"
)
WANGGE_OPEN311_ENDPOINT_TYPE = os.environ.get("WANGGE_OPEN311_ENDPOINT_TYPE", "production")

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
# Front-end packages come from npm (package.json, `npm ci` in scripts/setup); only the
# files named here are served, under the static path on the left.
NPM_STATIC_FILES = {
    "echarts/echarts.min.js": PROJECT_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js",
    "leaflet/leaflet.js": PROJECT_DIR / "node_modules" / "leaflet" / "dist" / "leaflet.js",
    # Referenced by leaflet.js and leaflet.css: the manifest storage (WANGGE_STATIC_MANIFEST) refuses a missing one.
    "leaflet/leaflet.js.map": PROJECT_DIR / "node_modules" / "leaflet" / "dist" / "leaflet.js.map",
    "leaflet/images/marker-icon.png": PROJECT_DIR / "node_modules" / "leaflet" / "dist" / "images" / "marker-icon.png",
    "leaflet/leaflet.css": PROJECT_DIR / "node_modules" / "leaflet" / "dist" / "leaflet.css",
    # leaflet.css draws the layer switcher's icon from these, relative to itself.
    "leaflet/images/layers.png": PROJECT_DIR / "node_modules" / "leaflet" / "dist" / "images" / "layers.png",
    "leaflet/images/layers-2x.png": PROJECT_DIR / "node_modules" / "leaflet" / "dist" / "images" / "layers-2x.png",
    "leaflet/leaflet-heat.js": PROJECT_DIR / "node_modules" / "leaflet.heat" / "dist" / "leaflet-heat.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "wangge.web.finders.NpmFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashed names (far-future caching by WhiteNoise) and pre-compressed copies of the static files.
# scripts/serve turns it on. Off by default: pages then need the manifest that collectstatic writes,
# which tests, bench/ and a development checkout do not have (docs/configuration.md).
if env_bool("WANGGE_STATIC_MANIFEST", False) and not DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"

# --- Maps (docs/maps.md) ----------------------------------------------------
# Base map tiles, e.g. "/tiles/{z}/{x}/{y}.png" from a local tile server or
# "https://{s}.tile.example.org/{z}/{x}/{y}.png". Empty (the default): no tiles are
# fetched at all, and the maps show boundaries and points on a plain background.
WANGGE_MAP_TILE_URL = os.environ.get("WANGGE_MAP_TILE_URL", "")
WANGGE_MAP_TILE_ATTRIBUTION = os.environ.get("WANGGE_MAP_TILE_ATTRIBUTION", "")


def _tile_origin(url: str) -> list[str]:
    """The origin the CSP must allow images from for tiles on another host ({s} → any subdomain)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): only our own scripts and styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(WANGGE_MAP_TILE_URL)],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
