//! The appointment as an iCalendar file (RFC 5545), so that a phone's calendar reminds the applicant.

use app::domain::{booking::ClockTime, office::unix_secs_at, Date};

/// What the event says.
pub struct Event<'a> {
    pub uid: &'a str,
    pub day: Date,
    pub starts: ClockTime,
    pub ends: ClockTime,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// When the file was made, seconds since the Unix epoch.
    pub stamp: i64,
}

/// `20261123T010000Z`: times are written in UTC, so no time-zone block is needed.
fn utc(unix_secs: i64) -> String {
    let day = Date::from_days_since_epoch(unix_secs.div_euclid(86_400));
    let secs = unix_secs.rem_euclid(86_400);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        day.year(),
        day.month(),
        day.day(),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
fn text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a character, continuing with a space.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

pub fn render(event: &Event) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Disdukcapil Kabupaten Bengkalis//Portal KTP-el//ID".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@portal-ktp-el.bengkaliskab.go.id", event.uid),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(unix_secs_at(event.day, event.starts))),
        format!("DTEND:{}", utc(unix_secs_at(event.day, event.ends))),
        format!("SUMMARY:{}", text(event.summary)),
        format!("LOCATION:{}", text(event.location)),
        format!("DESCRIPTION:{}", text(event.description)),
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        "TRIGGER:-PT12H".to_owned(),
        format!("DESCRIPTION:{}", text(event.summary)),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_appointment_in_utc_with_escaped_text() {
        let file = render(&Event {
            uid: "b1",
            day: Date::new(2026, 11, 23).unwrap(),
            starts: ClockTime::parse("08:15").unwrap(),
            ends: ClockTime::parse("08:30").unwrap(),
            summary: "Perekaman KTP-el",
            location: "Kantor Dinas, Jl. Pertanian; Bengkalis",
            description: &"Bawa KK asli. ".repeat(10),
            stamp: 0,
        });
        assert!(file.contains("DTSTART:20261123T011500Z\r\n"), "08:15 WIB is 01:15 UTC");
        assert!(file.contains("DTEND:20261123T013000Z\r\n"));
        assert!(file.contains("LOCATION:Kantor Dinas\\, Jl. Pertanian\\; Bengkalis\r\n"));
        assert!(file.lines().all(|l| l.len() <= 75), "folded");
        assert!(
            file.contains("\r\n Bawa") || file.contains("\r\n "),
            "long lines continue with a space"
        );
        assert!(file.ends_with("END:VCALENDAR\r\n"));
    }
}
