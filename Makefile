# One word per job. `make run` opens the kiosk; `make test` runs every test.
.PHONY: run test bench deps package

deps:
	@.ci/deps

run: deps
	cargo run --bin reception-kiosk

test: deps
	cargo test --all-targets --all-features
	npm ci --prefix tests/ui --no-audit --no-fund
	npm test --prefix tests/ui

bench: deps
	cargo bench

package: deps
	cargo install tauri-cli --version "^2" --locked
	cargo tauri build --bundles deb
