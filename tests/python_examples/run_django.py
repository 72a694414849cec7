"""Runs one `python django` example: configures settings, sets Django up, migrates the contrib
apps, then executes the example as the module `examples.models`, so the models it defines belong
to the app `examples`, each model's table is created when its class is defined, and a
`urlpatterns` it defines is the ROOT_URLCONF. The app's usual modules (views, urls, forms,
serializers, ...) are the same module, so an example split into "files" with `python continued`
keeps its relative imports: `from .models import Book` and `from . import views` work.

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
    MEDIA_URL="media/",
    MEDIA_ROOT="media",
)
django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)


def create_table(model):
    meta = model._meta
    if meta.app_label != "examples" or meta.abstract or meta.proxy or not meta.managed:
        return
    if meta.auto_created:
        return  # a many-to-many table: created with the model that declares the field
    with connection.schema_editor() as editor:
        editor.create_model(model)


# A model's relations (a string such as settings.AUTH_USER_MODEL among them) are resolved when it
# is registered, so its table is created right after that.
register_model = apps.register_model


def register_and_create(app_label, model):
    register_model(app_label, model)
    create_table(model)


apps.register_model = register_and_create

# The modules of a Django app that an example's "files" may import from one another.
APP_MODULES = (
    "models", "views", "urls", "forms", "serializers", "admin", "signals", "tasks", "services",
    "filters", "permissions", "managers", "querysets", "middleware", "validators", "api",
)

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    source = f.read()
module = types.ModuleType("examples.models")
module.__file__ = path
module.__package__ = "examples"
import examples  # noqa: E402

for name in APP_MODULES:
    sys.modules[f"examples.{name}"] = module
    setattr(examples, name, module)
exec(compile(source, path, "exec"), module.__dict__)
