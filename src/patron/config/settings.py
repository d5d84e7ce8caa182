"""Django settings for Patron, read from ``PATRON_*`` environment variables.

See docs/reference/configuration.md for every variable.
"""

from __future__ import annotations

import os

from patron.config.env import (
    database_from_url,
    env_bool,
    env_list,
    patron_home,
    secret_key,
)

PATRON_HOME = patron_home()
SECRET_KEY = secret_key(PATRON_HOME)
DEBUG = env_bool("PATRON_DEBUG", False)
ALLOWED_HOSTS = env_list("PATRON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PATRON_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "patron.core",
    "patron.accounts",
    "patron.parties",
    "patron.sales",
    "patron.interactions",
    "patron.insights",
    "patron.exchange",
    "patron.web",
    "patron.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "patron.config.urls"
WSGI_APPLICATION = "patron.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "patron.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("PATRON_DATABASE_URL", "sqlite:///patron.sqlite3"), PATRON_HOME
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("PATRON_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PATRON_HOME / "static"
# WhiteNoise warns about a missing STATIC_ROOT even though it serves from the finders.
STATIC_ROOT.mkdir(exist_ok=True)
# Serve straight from the installed apps: no collectstatic step before the first run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = PATRON_HOME / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("PATRON_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PATRON_IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("PATRON_IMPORT_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024))
)

DEFAULT_CURRENCY = os.environ.get("PATRON_DEFAULT_CURRENCY", "GBP")
DEFAULT_PHONE_REGION = os.environ.get("PATRON_DEFAULT_PHONE_REGION", "GB")
# Least rapidfuzz token_sort_ratio (0-100) for two names at one postcode to be duplicates.
DUPLICATE_NAME_THRESHOLD = int(os.environ.get("PATRON_DUPLICATE_NAME_THRESHOLD", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PATRON_LOG_LEVEL", "WARNING")},
}
