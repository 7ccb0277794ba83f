"""Settings: the embedded default, the switches, refusals of bad values, and a clean deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mes.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def _run(args, env_extra, tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "THREADLINE_VAR_DIR": str(tmp_path / "var"),
        **env_extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_with_no_warning(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "mes.example.com"},
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def _python(code: str, env_extra: dict, tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "THREADLINE_VAR_DIR": str(tmp_path / "var"),
        **env_extra,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


SHOW = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mes.settings'; django.setup();"
    "from django.conf import settings as s;"
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.CELERY_BROKER_URL)"
)


def test_no_environment_at_all_refuses_to_start_naming_secret_key(tmp_path):
    """A server deployed without a secret must not turn DEBUG on (stack traces, settings) by itself."""
    result = _python(SHOW, {}, tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    assert (
        "ImproperlyConfigured: SECRET_KEY is not set: set the SECRET_KEY environment variable"
        in result.stderr
    )
    assert not (tmp_path / "var" / "development-secret").exists()


@pytest.mark.parametrize("debug", ["0", "false", ""], ids=["0", "false", "empty"])
def test_a_wsgi_start_without_secret_key_and_without_debug_refuses(tmp_path, debug):
    extra = {"ALLOWED_HOSTS": "mes.example.com"} | ({"DEBUG": debug} if debug else {})
    result = _python("import mes.wsgi", extra, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "or set DEBUG=1 for a development server" in result.stderr


def test_a_wsgi_start_with_a_secret_key_is_debug_off(tmp_path):
    code = "import mes.wsgi; from django.conf import settings; print(settings.DEBUG)"
    result = _python(
        code, {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "mes.example.com"}, tmp_path
    )
    assert result.stdout.split() == ["False"], result.stderr


def test_debug_1_alone_is_sqlite_with_eager_celery_and_a_development_secret(tmp_path):
    result = _python(SHOW, {"DEBUG": "1"}, tmp_path)
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "memory://"], result.stderr
    assert (tmp_path / "var" / "development-secret").exists()


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mes.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "THREADLINE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mes.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "redis://127.0.0.1:6379/3"], (
        result.stderr
    )


def test_debug_off_without_a_secret_is_refused_at_start(tmp_path):
    result = _run(["check"], {"DEBUG": "false", "ALLOWED_HOSTS": "x"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "reader,name,raw,message",
    [
        (lambda: env_bool("TL_FLAG", False), "TL_FLAG", "maybe", "is not a boolean"),
        (lambda: env_int("TL_NUMBER", 1), "TL_NUMBER", "ten", "is not a whole number"),
        (lambda: env_int("TL_NUMBER", 1, minimum=5), "TL_NUMBER", "2", "below the minimum"),
    ],
    ids=["bool_case", "int_case", "minimum_case"],
)
def test_bad_values_are_refused_with_the_variable_named(monkeypatch, reader, name, raw, message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        reader()
    assert name in str(refused.value)


def test_lists_and_secret_files_are_read(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("TL_HOSTS", "a.example, b.example,,")
    monkeypatch.setenv("TL_SECRET_FILE", str(secret))
    from mes.env import env_str

    assert env_list("TL_HOSTS", []) == ["a.example", "b.example"]
    assert env_str("TL_SECRET") == "s3cret"


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters_and_old_hashes_upgrade(settings):
    from django.contrib.auth.hashers import check_password, make_password

    import mes.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    encoded = make_password("correct-horse-battery-9")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    old = make_password("correct-horse-battery-9", hasher="pbkdf2_sha256")
    upgraded = []
    assert check_password("correct-horse-battery-9", old, setter=upgraded.append) is True
    assert upgraded == ["correct-horse-battery-9"]
