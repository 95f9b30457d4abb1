# alliance-hub: a small runtime image with the one binary, run as a non-root user.
#
#   docker build -t alliance-hub .
#   docker run -p 8080:8080 -e HUB_JWT_SECRET=… alliance-hub            # embedded SQLite + demo data
#   docker run -e DATABASE_URL=postgres://… alliance-hub migrate       # once per release
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… alliance-hub   # each replica
#
# See docs/operations.md.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so that a change to the hub's own code rebuilds only the hub.
COPY Cargo.toml Cargo.lock ./
COPY entity/Cargo.toml entity/
COPY migration/Cargo.toml migration/
RUN mkdir -p src entity/src migration/src examples \
    && echo 'fn main() {}' > src/main.rs && touch src/lib.rs entity/src/lib.rs migration/src/lib.rs \
    && echo 'fn main() {}' > examples/bench.rs \
    && cargo build --release --locked --bin alliance-hub \
    && rm -rf src entity/src migration/src examples
COPY . .
RUN touch src/main.rs src/lib.rs entity/src/lib.rs migration/src/lib.rs \
    && cargo build --release --locked --bin alliance-hub \
    && strip target/release/alliance-hub

FROM debian:bookworm-slim
# ca-certificates for TLS to PostgreSQL; postgresql-client for `alliance-hub backup` and `restore`
# on PostgreSQL (pg_dump, pg_restore).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/alliance-hub --create-home hub
COPY --from=build /src/target/release/alliance-hub /usr/local/bin/alliance-hub
USER hub
WORKDIR /var/lib/alliance-hub
ENV HUB_LISTEN=0.0.0.0:8080 \
    HUB_DATA_DIR=/var/lib/alliance-hub/data \
    LOG_FORMAT=json
VOLUME ["/var/lib/alliance-hub/data"]
EXPOSE 8080
# Ready when the database answers (/readyz); bash's /dev/tcp needs no extra package.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# SIGTERM drains: the hub stops accepting, lets requests finish within HUB_SHUTDOWN_GRACE.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/alliance-hub"]
CMD ["serve"]
