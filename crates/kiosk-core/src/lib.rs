//! Reception Kiosk's core: everything the desktop app and `kioskctl` do, with no UI toolkit.
//! The rules decide, the store keeps, the sync engine writes back through the Wonde client;
//! `ARCHITECTURE.md` at the repository root is the map.

pub mod background;
pub mod cards;
pub mod collector;
pub mod connection;
pub mod exports;
pub mod import;
pub mod logging;
pub mod mis_capabilities;
pub mod paths;
pub mod printing;
pub mod recording;
pub mod report;
pub mod rules;
pub mod search;
pub mod settings;
pub mod signed_out;
pub mod staff;
pub mod store;
pub mod sync;
