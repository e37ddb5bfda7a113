import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECRET_KEY", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sellerdesk.settings.production", ALLOWED_HOSTS="sellerdesk.example"
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_production_env(SECRET_KEY="x" * 64 + "-production-grade-secret-for-the-check"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", env=_production_env())
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
