# Mailferry. The two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
APP := target/debug/mailferry-app
comma := ,
# The tests talk to entra-sim on this computer: never through a proxy the environment names
# (Mailferry honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY; tests/proxy.rs sets its own).
export NO_PROXY := 127.0.0.1,localhost,::1$(if $(NO_PROXY),$(comma)$(NO_PROXY))
export no_proxy := 127.0.0.1,localhost,::1$(if $(no_proxy),$(comma)$(no_proxy))

.PHONY: help run demo deps test-deps build app package lint bindings test-rust test-keychain test-ui conformance e2e test-installer test fuzz fuzz-quick clean

help:
	@echo "make run    install what is missing, build, and start Mailferry"
	@echo "make demo   the same, in the demo cloud (no Microsoft 365 tenant needed)"
	@echo "make test   install what is missing (test tools too) and run every test suite"
	@echo "make lint   rustfmt, clippy, tsc and eslint"
	@echo "make package  the release installers for Linux (.deb and AppImage) in target/release/bundle"

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test

# The app with its UI embedded (a plain cargo build would load the dev server instead).
app:
	npx tauri build --debug --no-bundle

# The release installers for this platform's Linux users, in target/release/bundle/{deb,appimage}.
# The AppImage is assembled by linuxdeploy, which tauri fetches from GitHub on first use; the
# Windows and macOS installers come from .github/workflows/desktop-bundles.yml.
package: deps
	npx tauri build --bundles deb,appimage

run: deps app
	$(APP)

# The same, in the demo cloud: two tenants served on this computer, nothing reaches Microsoft.
demo: deps app
	$(APP) --demo

lint:
	cargo fmt --all -- --check
	cargo fmt --manifest-path fuzz/Cargo.toml -- --check
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

# The .deb installed with dpkg into a throwaway root, then started: it must show the dashboard.
test-installer: app
	cargo build -p mailferry-cli -p entra-sim
	scripts/test-installer.sh

test: test-deps
	$(MAKE) bindings
	$(MAKE) lint
	$(MAKE) test-rust
	$(MAKE) test-keychain
	$(MAKE) fuzz-quick
	$(MAKE) test-ui
	$(MAKE) conformance
	$(MAKE) e2e
	$(MAKE) test-installer

# Every fuzz target from its committed corpus (fuzz/corpus): a short fixed budget in every
# `make test`, a long one with AddressSanitizer in `make fuzz`. Both fail on a crash.
FUZZ_QUICK_SECONDS ?= 20
fuzz-quick:
	scripts/fuzz.sh quick $(FUZZ_QUICK_SECONDS)

FUZZ_SECONDS ?= 300
fuzz:
	scripts/fuzz.sh long $(FUZZ_SECONDS)

clean:
	cargo clean
	rm -rf ui/dist test-artifacts
