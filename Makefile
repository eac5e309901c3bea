# One word per job. `make run` opens the kiosk; `make test` runs every test.
.PHONY: run test test-other-readings bench queue-bench deps package package-test screenshots start-bench

deps:
	@.ci/deps

run: deps
	cargo run --bin reception-kiosk

# Every test runs, and every failure is reported (not only the first binary's); any failure
# makes the whole command fail. Formatting and lints are checked first: they are part of the tests.
test: deps
	@failed=0; \
	cargo fmt --all --check || failed=1; \
	cargo clippy --workspace --all-targets --examples -- -D warnings || failed=1; \
	cargo test --workspace --all-targets --no-fail-fast || failed=1; \
	$(MAKE) --no-print-directory test-other-readings || failed=1; \
	{ cargo build -p reception-kiosk --example kiosk-ui-backend && npm ci --prefix tests/ui --no-audit --no-fund \
	  && npm test --prefix tests/ui; } || failed=1; \
	exit $$failed

# The tests that talk to the simulator again, under its other reading of what Wonde does not
# document (WONDE_SIM_READINGS=other): they expect the same marks either way (R4.10).
test-other-readings:
	WONDE_SIM_READINGS=other cargo test -p kiosk-core --no-fail-fast \
	  --test sync --test faults --test time --test trusted_time --test import --test photos --test wonde_client; \
	status=$$?; WONDE_SIM_READINGS=other cargo test -p kioskctl --test crash || status=1; exit $$status

bench: deps
	cargo bench --workspace
	$(MAKE) --no-print-directory queue-bench

# 50 sign-ins by card and 50 by name in Chromium over the real core (R7.3; benches/README.md).
queue-bench: deps
	cargo build -p reception-kiosk --example kiosk-ui-backend
	npm ci --prefix tests/ui --no-audit --no-fund
	node tests/ui/queue-bench.js

# README's screenshots from the real app under Xvfb (tests/smoke.rs clicks through with WebDriver).
screenshots: deps
	cargo test -p reception-kiosk --test smoke -- the_real_app_shows
	mkdir -p assets/screenshots
	for s in home search check confirmation; do cp "$${CARGO_TARGET_DIR:-target}/smoke/app-$$s.png" "assets/screenshots/$$s.png"; done

# Start to interactive and idle memory of the release build (figures in benches/README.md).
start-bench: deps
	benches/desktop_start.sh

# The Debian package (target/release/bundle/deb/*.deb) with Tauri's bundler. Not part of
# `make test`: the bundler's CLI takes minutes to build the first time, the release build more.
package: deps
	command -v cargo-tauri >/dev/null || cargo install tauri-cli --version "^2" --locked
	cargo tauri build --bundles deb

# The package built, installed on this machine and started (tests/package.sh).
package-test: deps
	tests/package.sh
