"""gunicorn settings: `gunicorn -c gunicorn.conf.py 'matchmaker:create_app()'`.

Every value can be overridden by the environment (GUNICORN_CMD_ARGS or the variables below)."""

import multiprocessing
import os

bind = os.environ.get("MATCHMAKER_BIND", "0.0.0.0:8000")  # noqa: S104 - behind the proxy
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("MATCHMAKER_THREADS", 2))
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 20000  # recycle workers now and then, not several times in one evening (each reload refits the matcher)
max_requests_jitter = 2000
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app logs each request itself (matchmaker.logs), as JSON in production
errorlog = "-"
