# syntax=docker/dockerfile:1
# dailydrill in a container: `docker compose up -d` (see docker-compose.yml), or
#   docker build -t dailydrill . && docker run --env-file .env -v dailydrill-data:/data dailydrill
# The database lives on the /data volume; /healthz and /metrics are served on port 9100.

# The builder follows Rust 1.x on Debian 12; pass --build-arg RUST_IMAGE=rust:1.95-bookworm (or
# a digest) to pin it.
ARG RUST_IMAGE=rust:1-bookworm
FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
# The registry and target caches survive between builds (BuildKit); the binary is copied out of
# the cached target within the same step, since the cache is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin dailydrill \
    && cp target/release/dailydrill /usr/local/bin/dailydrill

# The binary needs glibc and libgcc_s (in the base image) and the CA certificates for Discord's
# TLS; nothing else, not even curl: the health check is `dailydrill healthcheck`.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin dailydrill \
    && mkdir -p /data \
    && chown dailydrill:dailydrill /data
COPY --from=build /usr/local/bin/dailydrill /usr/local/bin/dailydrill

ENV DATABASE_URL=sqlite:///data/dailydrill.db \
    METRICS_ADDR=0.0.0.0:9100 \
    RUST_LOG=warn,dailydrill=info
VOLUME /data
WORKDIR /data
USER dailydrill
EXPOSE 9100
# Unhealthy: the scheduler stalled, the gateway is down past a minute, or the database does not
# answer (the reason is in `docker inspect`'s health log).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dailydrill", "healthcheck"]
# dailydrill finishes its scheduler tick and closes its shards on SIGTERM, within seconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dailydrill"]
CMD ["run"]
