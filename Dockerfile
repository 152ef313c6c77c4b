# fpwebhook in a container: `docker build -t fpwebhook .`, then
# `docker run --rm -v "$PWD:/data" fpwebhook validate /data/payloads`.
# Built in two stages: the Rust toolchain compiles the tool; the runtime image is distroless (glibc
# and nothing else: no shell, no package manager), running as an unprivileged user.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --package fpwebhook \
    && cp target/release/fpwebhook /usr/local/bin/fpwebhook

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/fpwebhook /usr/local/bin/fpwebhook
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/fpwebhook"]
CMD ["--help"]
