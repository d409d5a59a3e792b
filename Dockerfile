# The Matchmaker app image: gunicorn serving the Flask app; the same image runs the RQ worker.
# Stage one builds the wheel (templates, static files, migrations and compiled catalogues
# inside); the image installs only that wheel, so it runs what a server install runs.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY matchmaker ./matchmaker
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MATCHMAKER_INSTANCE_PATH=/srv/instance
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir "$(ls /wheels/matchmaker-*.whl)[embeddings,production]" \
 && rm -rf /wheels \
 && useradd --system --home /srv matchmaker && mkdir -p /srv/instance && chown matchmaker /srv/instance
WORKDIR /srv
COPY gunicorn.conf.py ./
USER matchmaker
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "matchmaker:create_app()"]
