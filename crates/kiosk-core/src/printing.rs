//! Printing on the school's printer through CUPS (L7): plain text or a PDF handed to `lp` for the queue
//! named in the settings. The window never prints itself, so no print dialog (whose file chooser
//! browses the disk) ever opens at the kiosk.

use std::io::Write;
use std::process::{Command, Stdio};

/// The most of `lp`'s own complaint kept for the sentence and the log.
const MAX_REASON: usize = 160;

/// Why nothing was printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("No printer is set up: choose the school's printer in Settings first.")]
    NoPrinter,
    #[error(
        "The kiosk cannot print: the printing system (CUPS) is not installed. Please tell IT."
    )]
    LpMissing(#[source] std::io::Error),
    #[error("The printer '{printer}' did not take the list. CUPS says: {reason}. Check the printer's name in Settings, or tell IT.")]
    Refused {
        printer: String,
        /// `lp`'s exit status, `None` when it was stopped by a signal.
        status: Option<i32>,
        /// `lp`'s own words (about the queue, never the document).
        reason: String,
    },
}

/// Sends `document` (plain text or a PDF: CUPS tells them apart) to the CUPS queue `printer` as
/// a job titled `title`, and returns CUPS's id of the job (`KioskPDF-12`). `lp` runs directly,
/// not through a shell, with the document on its stdin.
pub fn print(printer: Option<&str>, title: &str, document: &[u8]) -> Result<String, PrintError> {
    let printer = printer.ok_or(PrintError::NoPrinter)?;
    let mut lp = Command::new("lp")
        .args(["-d", printer, "-t", title])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(PrintError::LpMissing)?;
    // A queue that refuses closes lp's input early: its exit status below says why.
    let written = lp.stdin.take().map(|mut stdin| stdin.write_all(document));
    let output = lp.wait_with_output().map_err(PrintError::LpMissing)?;
    let refused = |reason: String| PrintError::Refused {
        printer: printer.to_string(),
        status: output.status.code(),
        reason,
    };
    if !output.status.success() {
        return Err(refused(lp_words(&output.stderr)));
    }
    if let Some(Err(e)) = written {
        return Err(refused(format!("the list was not sent whole: {e}")));
    }
    // "request id is KioskPDF-12 (1 file(s))"
    let stdout = String::from_utf8_lossy(&output.stdout);
    let job =
        stdout.split_whitespace().skip_while(|w| *w != "is").nth(1).unwrap_or_default().to_string();
    tracing::info!(printer, job, bytes = document.len(), "sent to the printer");
    Ok(job)
}

/// `lp`'s first line of complaint, without its `lp: ` prefix, short and printable.
fn lp_words(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("no reason given");
    let line = line.trim().strip_prefix("lp:").unwrap_or(line).trim();
    let words: String = line.chars().filter(|c| !c.is_control()).take(MAX_REASON).collect();
    words.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lp_s_complaint_is_one_short_line_without_its_prefix() {
        assert_eq!(
            lp_words(b"lp: The printer or class does not exist.\n"),
            "The printer or class does not exist"
        );
        assert_eq!(lp_words(b""), "no reason given");
    }
}
