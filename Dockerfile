# The Flock app and worker image (compose.yaml runs it twice: `flock serve`, `flock worker`).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY flock ./flock
COPY graph ./graph
COPY api ./api
COPY jobs ./jobs
COPY web ./web
COPY cypher ./cypher
RUN pip install --no-cache-dir .
ENV FLOCK_HOST=0.0.0.0 FLOCK_PORT=8000 FLOCK_VAR_DIR=/var/lib/flock
EXPOSE 8000
CMD ["flock", "serve"]
