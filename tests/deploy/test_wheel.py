"""The wheel deploys: built from pyproject.toml, installed into a fresh virtual environment
outside the checkout, it upgrades a database, loads the demo and serves a logged-in agenda.

Slow (a build and an install of every dependency, from pip's cache where it is warm), so it is
marked ``deploy`` (``-m "not deploy"`` leaves it out); `make test` runs it.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
# What a build reads; the links in matchmaker/ (templates, static, migrations) are copied as
# links, as a checkout has them. Compiled catalogues are left behind: the build makes them.
SOURCES = ["pyproject.toml", "setup.py", "README.md", "matchmaker", "templates", "static",
           "migrations"]
DEMO_PARTICIPANT = "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's published password
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def run(*command, **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **options)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    # With build isolation, as `pip install .` on a server: pyproject.toml's build requirements.
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist,
        source)
    (built,) = dist.glob("matchmaker-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its production extra, no dev extras."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-compile",
        "--disable-pip-version-check", f"{wheel}[production]",
        env=clean_environment())
    return venv / "bin"


def clean_environment(**variables) -> dict:
    """This process's environment without the checkout's settings and virtual environment."""
    keep = {key: value for key, value in os.environ.items()
            if not key.startswith(("MATCHMAKER_", "PYTHON", "VIRTUAL_ENV", "FLASK_"))}
    return {**keep, **variables}


def assert_carries_package_data(wheel: Path) -> None:
    """Templates, static files, migrations and compiled catalogues: all inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static", "migrations"):
        files = {f"matchmaker/{path.relative_to(ROOT)}"
                 for path in (ROOT / folder).rglob("*")
                 if path.is_file() and "__pycache__" not in path.parts}
        assert files and files <= names, folder
    assert {"matchmaker/translations/de/LC_MESSAGES/messages.mo",
            "matchmaker/translations/fr/LC_MESSAGES/messages.mo"} <= names
    assert not any("__pycache__" in name for name in names)


def test_the_wheel_serves_the_demo_from_a_fresh_environment_elsewhere(wheel, installed,
                                                                      tmp_path):
    assert_carries_package_data(wheel)
    site = tmp_path / "site"  # where the operator stands: no checkout in sight
    site.mkdir()
    env = clean_environment(MATCHMAKER_SECRET_KEY="deploy-test-" + "x" * 32)
    run(installed / "matchmaker", "db", "upgrade", cwd=site, env=env)
    seeded = run(installed / "matchmaker", "seed-demo", cwd=site, env=env)
    assert DEMO_PARTICIPANT in seeded.stdout
    assert (site / "instance" / "matchmaker.db").exists()  # ./instance by default

    port = free_port()
    server = subprocess.Popen(
        [installed / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "matchmaker:create_app()"],
        cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server)
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login_page = read(browser, base + "/auth/login")
        assert 'name="password"' in login_page
        assert '/static/css/app.css' in login_page
        assert read(browser, base + "/static/css/app.css")
        home = read(browser, base + "/auth/login", {
            "csrf_token": CSRF_FIELD.search(login_page).group(1),
            "email": DEMO_PARTICIPANT, "password": DEMO_PASSWORD})
        event_id = re.search(r'href="/events/(\d+)', home).group(1)
        agenda = read(browser, f"{base}/events/{event_id}/agenda")
        assert f"/events/{event_id}/agenda.ics" in agenda  # the logged-in agenda
        assert "Voltigeur Drones SAS" in agenda  # a meeting of the demo's published schedule
        assert "Abmelden" in agenda  # "Log out": the compiled catalogues speak her German
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base: str, server: subprocess.Popen) -> None:
    for _ in range(300):  # up to a minute on a loaded machine
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped: {server.stderr.read()}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)  # noqa: S310 - loopback
            return
        except OSError:  # refused, reset or timed out while the worker boots
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer /healthz")


def read(browser, url: str, form: dict | None = None) -> str:
    data = urllib.parse.urlencode(form).encode() if form else None
    with browser.open(url, data=data, timeout=30) as response:
        assert response.status == 200
        return response.read().decode()
