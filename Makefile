# Mailferry. The two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
APP := target/debug/mailferry-app
comma := ,
# The tests talk to entra-sim on this computer: never through a proxy the environment names
# (Mailferry honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY; tests/proxy.rs sets its own).
export NO_PROXY := 127.0.0.1,localhost,::1$(if $(NO_PROXY),$(comma)$(NO_PROXY))
export no_proxy := 127.0.0.1,localhost,::1$(if $(no_proxy),$(comma)$(no_proxy))

.PHONY: help run deps test-deps build app lint bindings test-rust test-keychain test-ui conformance e2e test fuzz clean

help:
	@echo "make run    install what is missing, build, and start Mailferry"
	@echo "make test   install what is missing (test tools too) and run every test suite"
	@echo "make lint   rustfmt, clippy, tsc and eslint"

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test

# The app with its UI embedded (a plain cargo build would load the dev server instead).
app:
	npx tauri build --debug --no-bundle

run: deps app
	$(APP)

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	npm --workspace ui run typecheck
	npm --workspace ui run lint

bindings:
	scripts/check-bindings.sh

test-rust:
	cargo test --workspace

# Tests that need a real Secret Service run inside a private gnome-keyring session.
test-keychain:
	scripts/with-keyring.sh cargo test -p mailferry-core --features keychain-tests --test vault -- --test-threads=1
	scripts/with-keyring.sh cargo test -p mailferry-cli --features keychain-tests --test cli_keychain -- --test-threads=1

test-ui:
	npm --workspace ui run test

# entra-sim checked by Microsoft's own client libraries (MSAL, the Graph SDK for Python).
conformance:
	cargo build -p entra-sim
	scripts/conformance.sh

e2e: app
	cargo build -p mailferry-cli -p entra-sim
	scripts/e2e.sh

test: test-deps
	$(MAKE) bindings
	$(MAKE) lint
	$(MAKE) test-rust
	$(MAKE) test-keychain
	$(MAKE) test-ui
	$(MAKE) conformance
	$(MAKE) e2e

FUZZ_SECONDS ?= 120
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	scripts/fuzz-corpus.sh
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O certificate_import -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O validators -- -max_total_time=$(FUZZ_SECONDS)

clean:
	cargo clean
	rm -rf ui/dist test-artifacts
