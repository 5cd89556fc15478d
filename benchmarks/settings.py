"""Settings for the benchmark server: the product's settings with the benchmark URLconf.

DEBUG is off and the secret key is fixed, so the runner can create session cookies for the
gunicorn workers itself. Static files are not requested by the benchmark, so the plain storage
is used and no `collectstatic` manifest is needed.
"""

from __future__ import annotations

import os

BENCH_SECRET_KEY = "zugong-benchmarks-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
# zugong.settings refuses to load without a key when DEBUG is off.
os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)

from zugong.settings import *  # noqa: E402,F403
from zugong.settings import STORAGES, VAR_DIR  # noqa: E402

DEBUG = False
SECRET_KEY = BENCH_SECRET_KEY
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "benchmarks.urls"
# WhiteNoise wants the directory to exist; the benchmark requests no static files.
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
