//! The sheet of QR cards (R7.1): credit-card-sized cards, ten to an A4 page, each with the pupil's
//! name, year and registration group, the photo where there is one, and a QR code of the kiosk's
//! card code (printed beneath it too, for typing by hand). Text is set in the PDF's built-in
//! Helvetica, which needs no font file.

use image::imageops::FilterType;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, QrCode};
use unicode_normalization::UnicodeNormalization;

/// One card on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetCard {
    pub name: String,
    /// "Year 7, 7B"
    pub group: String,
    pub code: String,
    /// The photo as the import stored it (PNG, JPEG, GIF or WebP).
    pub photo: Option<Vec<u8>>,
}

const MM: f32 = 72.0 / 25.4;
const PAGE: (f32, f32) = (210.0 * MM, 297.0 * MM);
/// ISO/IEC 7810 ID-1, the size of a bank card: it fits the holders pupils already have.
const CARD: (f32, f32) = (85.6 * MM, 54.0 * MM);
const COLUMNS: usize = 2;
const ROWS: usize = 5;
const QR_SIDE: f32 = 40.0 * MM;
const FONT: Name = Name(b"F1");
const PHOTO: (f32, f32) = (15.0 * MM, 19.0 * MM);
/// Pixels across of a photo on the sheet: 300 dpi at its printed size, a few KB each.
const PHOTO_PIXELS: u32 = 180;

/// The sheet as PDF bytes: `cards` in order, ten to a page.
pub fn sheet_pdf(school: &str, cards: &[SheetCard]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let pages: Vec<&[SheetCard]> = cards.chunks(COLUMNS * ROWS).collect();
    let page_refs: Vec<(Ref, Ref)> =
        (0..pages.len() as i32).map(|i| (Ref::new(4 + 2 * i), Ref::new(5 + 2 * i))).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_refs.iter().map(|(page, _)| *page)).count(pages.len() as i32);
    let mut next_ref = 4 + 2 * pages.len() as i32;
    for (on_page, (page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let photos: Vec<Option<(Ref, Pixels)>> = on_page
            .iter()
            .map(|card| {
                let pixels = card.photo.as_deref().and_then(photo_pixels)?;
                next_ref += 1;
                Some((Ref::new(next_ref), pixels))
            })
            .collect();
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(*content_ref);
        let mut resources = page.resources();
        resources.fonts().pair(FONT, font);
        resources.x_objects().pairs(
            photos.iter().enumerate().filter_map(|(i, p)| Some((photo_name(i), p.as_ref()?.0))),
        );
        resources.finish();
        page.finish();
        let mut content = Content::new();
        for (i, (card, photo)) in on_page.iter().zip(&photos).enumerate() {
            let x = (PAGE.0 - COLUMNS as f32 * CARD.0) / 2.0 + (i % COLUMNS) as f32 * CARD.0;
            let y =
                PAGE.1 - (PAGE.1 - ROWS as f32 * CARD.1) / 2.0 - (i / COLUMNS + 1) as f32 * CARD.1;
            let photo = photo.as_ref().map(|(_, pixels)| (photo_name(i), pixels));
            draw_card(&mut content, school, card, photo, x, y);
        }
        pdf.stream(*content_ref, &content.finish());
        for (id, pixels) in photos.iter().flatten() {
            let mut image = pdf.image_xobject(*id, &pixels.deflated);
            image.filter(Filter::FlateDecode);
            image.width(pixels.width as i32);
            image.height(pixels.height as i32);
            image.color_space().device_rgb();
            image.bits_per_component(8);
        }
    }
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.finish()
}

/// A photo ready for the PDF: its size and its RGB pixels, compressed.
struct Pixels {
    width: u32,
    height: u32,
    deflated: Vec<u8>,
}

/// The photo made small and flat for printing; none for bytes that are no image the decoder
/// knows (the import checked the type, not every pixel): the card is printed without it.
fn photo_pixels(bytes: &[u8]) -> Option<Pixels> {
    let decoded = image::load_from_memory(bytes).ok()?;
    let high = PHOTO_PIXELS * 19 / 15;
    let small = if decoded.width() > PHOTO_PIXELS || decoded.height() > high {
        decoded.resize(PHOTO_PIXELS, high, FilterType::Triangle)
    } else {
        decoded
    };
    let rgb = small.to_rgb8();
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(rgb.as_raw(), 6);
    Some(Pixels { width: rgb.width(), height: rgb.height(), deflated })
}

fn photo_name(i: usize) -> Name<'static> {
    const NAMES: [&[u8]; COLUMNS * ROWS] =
        [b"P0", b"P1", b"P2", b"P3", b"P4", b"P5", b"P6", b"P7", b"P8", b"P9"];
    Name(NAMES[i])
}

fn draw_card(
    content: &mut Content,
    school: &str,
    card: &SheetCard,
    photo: Option<(Name, &Pixels)>,
    x: f32,
    y: f32,
) {
    // The cutting line.
    content.set_stroke_gray(0.6);
    content.set_line_width(0.5);
    content.rect(x, y, CARD.0, CARD.1);
    content.stroke();
    let qr_x = x + 4.0 * MM;
    let qr_y = y + (CARD.1 - QR_SIDE) / 2.0 + 2.0 * MM;
    draw_qr(content, &card.code, qr_x, qr_y);
    let text_x = qr_x + QR_SIDE + 3.0 * MM;
    let width = x + CARD.0 - 3.0 * MM - text_x;
    if let Some((name, pixels)) = photo {
        // Fitted inside its box, keeping its proportions.
        let scale = (PHOTO.0 / pixels.width as f32).min(PHOTO.1 / pixels.height as f32);
        let (w, h) = (pixels.width as f32 * scale, pixels.height as f32 * scale);
        content.save_state();
        content.transform([w, 0.0, 0.0, h, text_x, y + CARD.1 - 7.0 * MM - h]);
        content.x_object(name);
        content.restore_state();
    }
    content.set_fill_gray(0.0);
    text(content, school, 7.0, width, text_x, y + CARD.1 - 5.0 * MM);
    text(content, &card.name, 12.0, width, text_x, y + CARD.1 - 33.0 * MM);
    text(content, &card.group, 9.0, width, text_x, y + CARD.1 - 39.0 * MM);
    text(content, &card.code, 7.0, QR_SIDE, qr_x + 2.0 * MM, qr_y - 2.5 * MM);
}

/// The QR code of `code`, quiet zone included, as filled squares.
fn draw_qr(content: &mut Content, code: &str, x: f32, y: f32) {
    // The card codes are short ASCII: they always fit a QR code.
    let Ok(qr) = QrCode::new(code.as_bytes()) else { return };
    let modules = qr.width();
    let quiet = 4;
    let cell = QR_SIDE / (modules + 2 * quiet) as f32;
    content.set_fill_gray(0.0);
    for (i, color) in qr.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (col, row) = (i % modules + quiet, i / modules + quiet);
            let top = y + QR_SIDE - row as f32 * cell;
            content.rect(x + col as f32 * cell, top - cell, cell, cell);
        }
    }
    content.fill_nonzero();
}

/// One line of text, made smaller (down to 6 points) to fit `width`.
fn text(content: &mut Content, line: &str, size: f32, width: f32, x: f32, y: f32) {
    let bytes = win_ansi(line);
    // Helvetica's letters are at most about 0.6 points wide per point of size, most less.
    let size = size.min(width / (0.6 * bytes.len().max(1) as f32)).max(6.0);
    content.begin_text();
    content.set_font(FONT, size);
    content.next_line(x, y);
    content.show(Str(&bytes));
    content.end_text();
}

/// `line` in the built-in fonts' encoding: Latin-1 letters as they are, others as their base
/// letter ("ł" as "l" stays readable), control and direction characters left out.
fn win_ansi(line: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    for c in line.chars() {
        match c {
            ' '..='~' | '\u{a0}'..='\u{ff}' => out.push(c as u32 as u8),
            '\u{2019}' | '\u{2018}' => out.push(b'\''),
            '\u{2013}' | '\u{2014}' => out.push(b'-'),
            c if kiosk_model::text::unrecordable(c) => {}
            c => out.push(base_letter(c).unwrap_or(b'?')),
        }
    }
    out
}

/// The plain letter under `c`: its decomposition's first part, or for letters drawn with a
/// stroke (which Unicode does not decompose) the letter without it.
fn base_letter(c: char) -> Option<u8> {
    let stroked = match c {
        'Ł' => 'L',
        'ł' => 'l',
        'ı' => 'i',
        'Đ' => 'D',
        'đ' => 'd',
        'Ħ' => 'H',
        'ħ' => 'h',
        'Ŧ' => 'T',
        'ŧ' => 't',
        'Ŀ' => 'L',
        'ŀ' => 'l',
        c => c,
    };
    stroked.nfd().next().filter(char::is_ascii).map(|base| base as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_written_in_the_fonts_encoding() {
        assert_eq!(win_ansi("Zoë O’Brien"), b"Zo\xeb O'Brien");
        assert_eq!(win_ansi("Łukasz Yılmaz Đorđević"), b"Lukasz Yilmaz Dordevic");
        assert_eq!(win_ansi("王 Ö"), b"? \xd6");
        assert_eq!(win_ansi("A\u{202e}B\n"), b"AB");
    }

    #[test]
    fn a_large_photo_is_printed_small_and_a_damaged_one_not_at_all() {
        let mut png = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(600, 800, image::Rgb([200, 120, 40]))
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        let pixels = photo_pixels(png.get_ref()).unwrap();
        assert_eq!((pixels.width, pixels.height), (171, 228), "kept its shape, within 180 x 228");
        let mut cut = png.into_inner();
        cut.truncate(cut.len() / 2);
        assert!(photo_pixels(&cut).is_none());
        assert!(photo_pixels(b"\x89PNG\r\n\x1a\nnot a picture").is_none());
    }
}
