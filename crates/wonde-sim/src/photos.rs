//! The demo school's photos (R7.2): small generated PNGs, a head and shoulders on a coloured
//! ground, varied by a seed; no real faces. How Wonde delivers a photo is [X], so the two readings
//! differ: inline base64 `content` (plain), or a `url` the client fetches with its token (other).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::data::Zone;

const SIDE: u32 = 96;

/// A generated portrait for `seed`.
pub fn portrait(seed: u64) -> Vec<u8> {
    let pick = |shift: u32, lo: u8| lo + ((seed >> shift) as u8 % (255 - lo));
    let ground = [pick(0, 120), pick(8, 120), pick(16, 120)];
    let figure = [pick(24, 20) / 2, pick(32, 20) / 2, pick(40, 20) / 2];
    let head = 18.0 + (seed >> 48) as f32 % 8.0;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (dx, dy) = (x as f32 - 48.0, y as f32 - 38.0);
            let in_head = dx * dx + dy * dy < head * head;
            let (sx, sy) = (x as f32 - 48.0, y as f32 - 112.0);
            let in_shoulders = sx * sx / 2.2 + sy * sy < 1500.0;
            pixels.extend_from_slice(if in_head || in_shoulders { &figure } else { &ground });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("a PNG header writes to memory");
    writer.write_image_data(&pixels).expect("a PNG writes to memory");
    writer.finish().expect("a PNG finishes in memory");
    out
}

/// A short fingerprint of the bytes (FNV-1a): what the `hash` field carries.
pub fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

/// The `photo` include of a pupil: `{data: null}` for none.
pub fn include(bytes: Option<&[u8]>, school: &str, student_id: &str, zone: Zone) -> Value {
    let Some(bytes) = bytes else { return json!({ "data": null }) };
    let hash = fingerprint(bytes);
    match zone {
        Zone::School(_) => json!({ "data": { "content": STANDARD.encode(bytes), "hash": hash } }),
        Zone::Utc { .. } => {
            json!({ "data": { "url": format!("schools/{school}/students/{student_id}/photo"), "hash": hash } })
        }
    }
}
