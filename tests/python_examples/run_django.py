"""Runs one `python django` example: configures settings, sets Django up, migrates the contrib
apps, then executes the example as the module `examples.models`, so the models it defines belong
to the app `examples`, each model's table is created when its class is defined, and a
`urlpatterns` it defines is the ROOT_URLCONF.

Usage: python run_django.py EXAMPLE.py
"""

import sys
import types

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="examples-only-secret-key-not-for-production-0123456789abcdef",
    ALLOWED_HOSTS=["testserver"],
    USE_TZ=True,
    TIME_ZONE="UTC",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.messages",
        "rest_framework",
        "django_filters",
        "examples",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    ROOT_URLCONF="examples.models",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    STATIC_URL="static/",
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.signals import class_prepared  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)


def create_table(sender, **kwargs):
    meta = sender._meta
    if meta.app_label != "examples" or meta.abstract or meta.proxy or not meta.managed:
        return
    if meta.auto_created:
        return  # a many-to-many table: created with the model that declares the field
    with connection.schema_editor() as editor:
        editor.create_model(sender)


class_prepared.connect(create_table)

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    source = f.read()
module = types.ModuleType("examples.models")
module.__file__ = path
sys.modules["examples.models"] = module
import examples  # noqa: E402

examples.models = module
exec(compile(source, path, "exec"), module.__dict__)
