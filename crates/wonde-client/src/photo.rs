//! Pupils' photos (R7.2). Wonde's `photo` include is listed among the student includes, but its
//! shape is [X]: it is read leniently as base64 `content` or a `url` to fetch, with a `hash` or
//! `updated_at` telling a new photo from the one already kept. Whatever arrives is checked to be
//! an image of a sensible size before anything keeps it.

use base64::Engine;
use reqwest::Url;
use serde::Deserialize;

use super::lenient::{date, string, WondeDate};
use super::{WondeClient, WondeError};

/// The most a photo may weigh: a school photo is tens of kilobytes; anything near this is not one.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// The `photo` include, as far as it is known.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PhotoJson {
    /// The image, base64 ([X]: some MIS integrations inline it).
    #[serde(default, deserialize_with = "string")]
    pub content: Option<String>,
    /// Where the image can be fetched ([X]: others link to it).
    #[serde(default, deserialize_with = "string")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub hash: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub updated_at: Option<WondeDate>,
}

impl PhotoJson {
    /// What tells this photo from another of the same pupil: the hash, else the date, else the
    /// address or the content's length (a changed photo rarely keeps all of them).
    pub fn version(&self) -> String {
        let dated = self.updated_at.as_ref().map(|d| d.local.to_string());
        self.hash
            .clone()
            .or(dated)
            .or_else(|| self.url.clone())
            .or_else(|| self.content.as_ref().map(|c| format!("{} bytes", c.len())))
            .unwrap_or_default()
    }
}

/// Why a pupil's photo was not kept (the import goes on without it).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoProblem {
    #[error("the photo is larger than {MAX_PHOTO_BYTES} bytes")]
    TooLarge,
    #[error("the photo is not a PNG, JPEG, GIF or WebP image")]
    NotAnImage,
    #[error("the photo's content is not base64")]
    NotBase64,
    #[error("the photo has neither content nor an address")]
    Empty,
    #[error("the photo's address is not on Wonde's server")]
    ElsewhereAddress,
    #[error("the photo could not be fetched: {0}")]
    NotFetched(String),
}

/// The image type of `bytes` by its first bytes, or none when it is not an image the kiosk shows.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// A checked photo: its bytes and image type.
fn checked(bytes: Vec<u8>) -> Result<(Vec<u8>, &'static str), PhotoProblem> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    let mime = image_type(&bytes).ok_or(PhotoProblem::NotAnImage)?;
    Ok((bytes, mime))
}

impl WondeClient {
    /// The image of a `photo` include: its inline content decoded, or its address fetched (with
    /// the token, so only from the host the client talks to). At most [`MAX_PHOTO_BYTES`].
    pub async fn photo(&self, photo: &PhotoJson) -> Result<(Vec<u8>, &'static str), PhotoProblem> {
        if let Some(content) = photo.content.as_deref().filter(|c| !c.trim().is_empty()) {
            // Four base64 characters are three bytes: far too long is refused before decoding.
            if content.len() / 4 * 3 > MAX_PHOTO_BYTES + 3 {
                return Err(PhotoProblem::TooLarge);
            }
            let text: String =
                content.split(',').next_back().unwrap_or_default().split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| PhotoProblem::NotBase64)?;
            return checked(bytes);
        }
        let address =
            photo.url.as_deref().filter(|u| !u.trim().is_empty()).ok_or(PhotoProblem::Empty)?;
        let base = self.base();
        let url = base.join(address.trim()).map_err(|_| PhotoProblem::ElsewhereAddress)?;
        if url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return Err(PhotoProblem::ElsewhereAddress);
        }
        checked(self.fetch_capped(url).await.map_err(|e| PhotoProblem::NotFetched(e.for_log()))?)
    }

    /// GETs `url` with the token, reading at most [`MAX_PHOTO_BYTES`] (and one more, to know).
    async fn fetch_capped(&self, url: Url) -> Result<Vec<u8>, WondeError> {
        let mut response = self
            .inner
            .http
            .get(url)
            .bearer_auth(self.inner.config.token.expose())
            .send()
            .await
            .map_err(|e| WondeError::transport(&e))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(WondeError::from_status(status, None, b""));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| WondeError::transport(&e))? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_PHOTO_BYTES {
                break;
            }
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<html>not a photo</html>"), None);
        assert_eq!(image_type(b""), None);
    }
}
