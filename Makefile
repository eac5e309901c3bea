# One word per job. `make run` opens the kiosk; `make test` runs every test.
.PHONY: run test bench deps package

deps:
	@.ci/deps

run: deps
	cargo run --bin reception-kiosk

test: deps
	cargo test --all-targets

bench: deps
	cargo bench

package: deps
	cargo install tauri-cli --version "^2" --locked
	cargo tauri build --bundles deb
