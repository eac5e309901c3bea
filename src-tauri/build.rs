/// The app's own commands, the only ones the window may call (R6.3). Declaring them makes Tauri
/// generate an `allow-<command>` permission for each and refuse any app command the window's
/// capability (`src-tauri/capabilities/main.json`) does not grant; without this list every
/// registered command would be callable. Keep in step with `app::build`'s `generate_handler!`.
const COMMANDS: &[&str] = &[
    "home_status",
    "kiosk_settings",
    "search_students",
    "reasons",
    "signed_out_today",
    "record_event",
    "card_lookup",
    "student_photo",
    "staff_pin_status",
    "staff_set_pin",
    "staff_unlock",
    "staff_lock",
    "staff_check_count",
    "staff_config_check",
    "staff_on_site",
    "staff_log",
    "staff_event",
    "staff_retry",
    "staff_retry_failed_today",
    "staff_confirm_time",
    "staff_export_csv",
    "staff_exports",
    "staff_delete_export",
    "staff_print_on_site",
    "staff_card_sheet",
    "staff_reissue_card",
    "staff_settings",
    "staff_save_settings",
    "staff_test_connection",
    "staff_save_connection",
    "staff_import_now",
    "staff_import_runs",
    "staff_people",
    "staff_set_import",
    "staff_collectors",
    "staff_set_collector",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri shell's configuration is valid");
}
