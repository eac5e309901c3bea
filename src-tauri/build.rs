fn main() {
    // Rebuild when the shipped data the library embeds changes.
    println!("cargo:rerun-if-changed=assets/mis_capabilities.csv");
    #[cfg(feature = "desktop")]
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*.json"),
    )
    .expect("the Tauri shell's configuration is valid");
}
