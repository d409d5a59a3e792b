# The Matchmaker app image: gunicorn serving the Flask app; the same image runs the RQ worker.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MATCHMAKER_INSTANCE_PATH=/srv/instance
WORKDIR /srv/app
COPY pyproject.toml README.md babel.cfg gunicorn.conf.py ./
COPY matchmaker ./matchmaker
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN pip install --no-cache-dir '.[embeddings,production]' \
 && pybabel compile -d matchmaker/translations \
 && useradd --system --home /srv matchmaker && mkdir -p /srv/instance && chown matchmaker /srv/instance
USER matchmaker
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "matchmaker:create_app()"]
