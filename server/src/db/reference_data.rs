//! Reference data the portal ships with: every area code of Indonesia (for the NIK and the address pickers) and
//! the national holidays and collective leave days (for the working-day calendar).
//!
//! The areas are loaded on first start. The holidays are checked on every start: a day of the bundled file that
//! the database does not have yet is added (a newer release brings next year's calendar), a day it has is left as
//! staff may have edited it. Admins import further years from a CSV file in the same format, in the console
//! (`/petugas/kalender`) or with `server import-holidays FILE.csv` ([`parse_holidays`], [`import_holidays`]).
//! The calendar is read from the database on every request that needs it (`db::bookings::calendar`): there is no
//! cache, so a day added counts at once for bookable days and promise dates.

use super::{bookings, Db};
use app::domain::{office::office_date, Date};
use std::{
    collections::{HashMap, HashSet},
    fmt,
};

const AREAS_CSV: &str = include_str!("../../seed/wilayah.csv");
const HOLIDAYS_CSV: &str = include_str!("../../seed/holidays-id.csv");

/// Rows per `INSERT`: 4 parameters each stays far below both databases' limits on bound parameters.
const BATCH: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// 1 province, 2 regency or city, 3 district, 4 village.
    pub level: i32,
    pub parent: Option<&'a str>,
}

/// Parses `code,name` lines; names may be quoted when they contain a comma.
pub fn parse_areas(csv: &str) -> impl Iterator<Item = Area<'_>> {
    csv.lines().skip(1).filter(|l| !l.trim().is_empty()).filter_map(|line| {
        let (code, name) = line.split_once(',')?;
        let name = name.trim().trim_matches('"');
        let level = code.matches('.').count() as i32 + 1;
        let parent = code.rsplit_once('.').map(|(p, _)| p);
        Some(Area {
            code: code.trim(),
            name,
            level,
            parent,
        })
    })
}

pub async fn load_missing(db: &Db) -> Result<(), sqlx::Error> {
    if is_empty(db, "areas").await? {
        let areas: Vec<Area> = parse_areas(AREAS_CSV).collect();
        let mut tx = db.pool.begin().await?;
        for chunk in areas.chunks(BATCH) {
            let sql = format!(
                // Two nodes starting at once on an empty database both get here: the second adds nothing.
                "INSERT INTO areas (code, name, level, parent) VALUES {} ON CONFLICT (code) DO NOTHING",
                value_rows(chunk.len(), 4)
            );
            let mut insert = sqlx::query(&sql);
            for a in chunk {
                insert = insert.bind(a.code).bind(a.name).bind(a.level).bind(a.parent);
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        tracing::info!(rows = areas.len(), "loaded the area codes");
    }
    let bundled = parse_holidays(HOLIDAYS_CSV.as_bytes())
        .map_err(|e| sqlx::Error::Protocol(format!("the bundled holiday file: {e}")))?;
    add_bundled_holidays(db, &bundled, crate::auth::now()).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Holidays: the file format, the bundled file, and the admin's import.

/// A holiday file is at most 64 KiB: a year of national holidays and collective leave is about 2 KB.
pub const MAX_HOLIDAY_FILE_BYTES: usize = 64 * 1024;
/// A holiday's name is what applicants read in the message that cancels their appointment.
pub const MAX_HOLIDAY_NAME_CHARS: usize = 200;
/// The kinds of day off (the `holidays.kind` CHECK constraint lists the same).
pub const HOLIDAY_KINDS: [&str; 3] = ["libur_nasional", "cuti_bersama", "lokal"];
/// The first line of the format, which may be left out.
const HEADER: &str = "date,kind,name";

/// One line of a holiday file: a day off for every service point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub day: Date,
    pub kind: String,
    pub name: String,
}

/// What is wrong with a holiday file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvProblem {
    /// Over [`MAX_HOLIDAY_FILE_BYTES`].
    TooLarge,
    /// Not UTF-8 text.
    NotText,
    /// No day in it.
    Empty,
    /// Not the three fields `date,kind,name`.
    Fields(usize),
    /// A quoted field that does not end where its quotes do.
    Quotes,
    /// Not a date that exists, as `YYYY-MM-DD`.
    Date(String),
    /// Not one of [`HOLIDAY_KINDS`].
    Kind(String),
    NameEmpty,
    NameTooLong,
    /// A control character (a tab, a stray carriage return) in the name.
    NameControl,
    /// The same day on an earlier line.
    Repeated {
        first_line: usize,
    },
}

/// A problem and the line it is on (1 is the file's first line, counting the header and empty lines); `None` for
/// the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: Option<usize>,
    pub problem: CsvProblem,
}

impl CsvError {
    /// A value of the file, shortened for a message.
    pub fn shown(value: &str) -> String {
        let mut shown: String = value.chars().take(40).collect();
        if value.chars().count() > 40 {
            shown.push('…');
        }
        shown
    }
}

/// In English, for the server command; the console says it in the staff member's language.
impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match &self.problem {
            CsvProblem::TooLarge => write!(f, "the file is over {} KiB", MAX_HOLIDAY_FILE_BYTES / 1024),
            CsvProblem::NotText => write!(f, "the file is not UTF-8 text"),
            CsvProblem::Empty => write!(f, "the file has no day in it (lines of {HEADER})"),
            CsvProblem::Fields(n) => write!(
                f,
                "{n} field(s) where {HEADER} has 3 (a name with a comma goes in double quotes)"
            ),
            CsvProblem::Quotes => write!(f, "a quoted field is not closed, or text follows its closing quote"),
            CsvProblem::Date(v) => write!(f, "\"{}\" is not a date (YYYY-MM-DD)", CsvError::shown(v)),
            CsvProblem::Kind(v) => write!(
                f,
                "\"{}\" is not a kind of day off ({})",
                CsvError::shown(v),
                HOLIDAY_KINDS.join(", ")
            ),
            CsvProblem::NameEmpty => write!(f, "the name is empty"),
            CsvProblem::NameTooLong => write!(f, "the name is over {MAX_HOLIDAY_NAME_CHARS} characters"),
            CsvProblem::NameControl => write!(f, "the name has a control character (a tab, a line break)"),
            CsvProblem::Repeated { first_line } => write!(f, "the same day as line {first_line}"),
        }
    }
}

impl std::error::Error for CsvError {}

/// The fields of one CSV line: separated by commas, each optionally in double quotes (a quote inside doubled).
fn csv_fields(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        while chars.peek().is_some_and(|c| *c == ' ') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return None,
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            while chars.peek().is_some_and(|c| *c == ' ') {
                chars.next();
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Some(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return None,
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field.trim().to_owned());
                        return Some(fields);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(field.trim().to_owned());
        }
    }
}

/// Reads a holiday file in the format of the bundled one (`date,kind,name`, one day a line, the header line
/// optional, names optionally quoted). The whole file is checked: the first problem is returned with its line,
/// and then nothing of the file is to be used.
pub fn parse_holidays(bytes: &[u8]) -> Result<Vec<Holiday>, CsvError> {
    let whole = |problem| CsvError { line: None, problem };
    if bytes.len() > MAX_HOLIDAY_FILE_BYTES {
        return Err(whole(CsvProblem::TooLarge));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| whole(CsvProblem::NotText))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut holidays: Vec<Holiday> = Vec::new();
    let mut lines_of: HashMap<Date, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let at = |problem| CsvError {
            line: Some(number),
            problem,
        };
        if line.trim().is_empty() || (number == 1 && line.trim().eq_ignore_ascii_case(HEADER)) {
            continue;
        }
        let fields = csv_fields(line).ok_or(at(CsvProblem::Quotes))?;
        let [date, kind, name] = fields.as_slice() else {
            return Err(at(CsvProblem::Fields(fields.len())));
        };
        let day = Date::parse_iso(date).ok_or_else(|| at(CsvProblem::Date(date.clone())))?;
        if !HOLIDAY_KINDS.contains(&kind.as_str()) {
            return Err(at(CsvProblem::Kind(kind.clone())));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(at(CsvProblem::NameEmpty));
        }
        if name.chars().count() > MAX_HOLIDAY_NAME_CHARS {
            return Err(at(CsvProblem::NameTooLong));
        }
        if name.chars().any(char::is_control) {
            return Err(at(CsvProblem::NameControl));
        }
        if let Some(first_line) = lines_of.insert(day, number) {
            return Err(at(CsvProblem::Repeated { first_line }));
        }
        holidays.push(Holiday {
            day,
            kind: kind.clone(),
            name: name.to_owned(),
        });
    }
    if holidays.is_empty() {
        return Err(whole(CsvProblem::Empty));
    }
    Ok(holidays)
}

/// What an import changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    /// Days the calendar did not have.
    pub added: usize,
    /// Days it had with another name or kind, now as the file says.
    pub updated: usize,
    /// Days it had exactly so.
    pub unchanged: usize,
    /// Appointments on the added days, cancelled and their applicants' messages queued.
    pub cancelled: usize,
}

/// The holidays the database has between `first` and `last`: day → (kind, name). A day or kind the program does
/// not know is an error.
async fn holidays_between(db: &Db, first: Date, last: Date) -> Result<HashMap<Date, (String, String)>, sqlx::Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT day, kind, name FROM holidays WHERE day >= $1 AND day <= $2")
            .bind(first.to_string())
            .bind(last.to_string())
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|(day, kind, name)| {
            let day = stored_day("holidays.day", &day)?;
            if !HOLIDAY_KINDS.contains(&kind.as_str()) {
                return Err(unknown("holidays.kind", &kind));
            }
            Ok((day, (kind, name)))
        })
        .collect()
}

fn unknown(column: &'static str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("{column}: unknown value {:?}", CsvError::shown(value)).into())
}

fn stored_day(column: &'static str, value: &str) -> Result<Date, sqlx::Error> {
    Date::parse_iso(value)
        .filter(|d| d.to_string() == value)
        .ok_or_else(|| unknown(column, value))
}

/// Imports `holidays` (from [`parse_holidays`]): a day the calendar does not have is added, a day it has with
/// another name or kind is changed, a day it has exactly so is left alone (importing a file twice changes nothing).
/// Each added or changed day goes through [`bookings::add_holiday`], the console's "add a holiday": the
/// appointments on it are cancelled and their applicants told, in the day's transaction. One import at a time
/// per process, so that two admins sending the same file at once get a true report (one adds, the other finds
/// every day there); across processes the table's key keeps one row per day whatever the order.
pub async fn import_holidays(db: &Db, holidays: &[Holiday], now: i64) -> Result<ImportReport, sqlx::Error> {
    static ONE_AT_A_TIME: std::sync::OnceLock<tokio::sync::Mutex<()>> = std::sync::OnceLock::new();
    let _turn = ONE_AT_A_TIME.get_or_init(|| tokio::sync::Mutex::new(())).lock().await;
    let mut report = ImportReport::default();
    let (Some(first), Some(last)) = (
        holidays.iter().map(|h| h.day).min(),
        holidays.iter().map(|h| h.day).max(),
    ) else {
        return Ok(report);
    };
    let known = holidays_between(db, first, last).await?;
    for h in holidays {
        let found = known.get(&h.day);
        if found.is_some_and(|(kind, name)| *kind == h.kind && *name == h.name) {
            report.unchanged += 1;
            continue;
        }
        let cancelled = bookings::add_holiday(db, h.day, &h.kind, &h.name, now).await?;
        report.cancelled += cancelled.len();
        if found.is_some() {
            report.updated += 1;
        } else {
            report.added += 1;
        }
    }
    tracing::info!(
        added = report.added,
        updated = report.updated,
        unchanged = report.unchanged,
        cancelled = report.cancelled,
        "imported holidays"
    );
    Ok(report)
}

/// Adds the days of the bundled file the database does not have, leaving the others as they are (staff may have
/// renamed one). Safe when several nodes start at once: `ON CONFLICT (day) DO NOTHING`, the rows in the same
/// order everywhere. A booked appointment on an added day is cancelled as [`import_holidays`] cancels it.
async fn add_bundled_holidays(db: &Db, bundled: &[Holiday], now: i64) -> Result<(), sqlx::Error> {
    let known: Vec<(String,)> = sqlx::query_as("SELECT day FROM holidays").fetch_all(&db.pool).await?;
    let known: HashSet<String> = known.into_iter().map(|(d,)| d).collect();
    let missing: Vec<&Holiday> = bundled.iter().filter(|h| !known.contains(&h.day.to_string())).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = db.pool.begin().await?;
    for chunk in missing.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO holidays (day, kind, name) VALUES {} ON CONFLICT (day) DO NOTHING",
            value_rows(chunk.len(), 3)
        );
        let mut insert = sqlx::query(&sql);
        for h in chunk {
            insert = insert.bind(h.day.to_string()).bind(&h.kind).bind(&h.name);
        }
        insert.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    tracing::info!(
        days = missing.len(),
        "added the bundled holidays the calendar did not have"
    );
    let booked: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT day FROM bookings WHERE status = 'booked' AND day >= $1")
            .bind(office_date(now).to_string())
            .fetch_all(&db.pool)
            .await?;
    let booked: HashSet<String> = booked.into_iter().map(|(d,)| d).collect();
    for h in missing.iter().filter(|h| booked.contains(&h.day.to_string())) {
        bookings::add_holiday(db, h.day, &h.kind, &h.name, now).await?;
    }
    Ok(())
}

/// The last national holiday or collective leave day the calendar knows (a local holiday does not say that the
/// year's national calendar is in); `None` when it knows none.
pub async fn national_holidays_until(db: &Db) -> Result<Option<Date>, sqlx::Error> {
    let (last,): (Option<String>,) = sqlx::query_as("SELECT MAX(day) FROM holidays WHERE kind <> 'lokal'")
        .fetch_one(&db.pool)
        .await?;
    last.map(|d| stored_day("holidays.day", &d)).transpose()
}

/// The warning the office needs today (see [`app::domain::calendar::holidays_run_out`]).
pub async fn holidays_warning(db: &Db, now: i64) -> Result<Option<Option<Date>>, sqlx::Error> {
    let last = national_holidays_until(db).await?;
    Ok(app::domain::calendar::holidays_run_out(last, office_date(now)))
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values: the placeholder syntax both databases accept
/// (sqlx's query builder writes `?` for the `Any` driver, which PostgreSQL refuses).
fn value_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn is_empty(db: &Db, table: &'static str) -> Result<bool, sqlx::Error> {
    let (found,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS t"))
        .fetch_one(&db.pool)
        .await?;
    Ok(found == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_across_rows() {
        assert_eq!(value_rows(2, 2), "($1, $2), ($3, $4)");
    }

    fn day(y: i32, m: u8, d: u8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    fn problem(text: &str) -> (Option<usize>, CsvProblem) {
        let e = parse_holidays(text.as_bytes()).unwrap_err();
        (e.line, e.problem)
    }

    #[test]
    fn the_bundled_holiday_file_reads_cleanly() {
        let days = parse_holidays(HOLIDAYS_CSV.as_bytes()).unwrap();
        assert_eq!(days.len(), 79);
        assert_eq!(days.iter().map(|h| h.day).max(), Some(day(2027, 12, 26)));
        assert_eq!(
            days[0],
            Holiday {
                day: day(2025, 1, 1),
                kind: "libur_nasional".into(),
                name: "Tahun Baru Masehi".into()
            }
        );
    }

    #[test]
    fn reads_holiday_files_as_spreadsheets_write_them() {
        let text = "\u{feff}date,kind,name\r\n2028-01-01,libur_nasional,Tahun Baru Masehi\r\n\r\n\
                    \"2028-02-02\" , cuti_bersama ,\"Cuti, \"\"Bersama\"\"\"\n2028-03-03,lokal, Hari Jadi \n";
        let days = parse_holidays(text.as_bytes()).unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days[1].day, day(2028, 2, 2));
        assert_eq!(days[1].kind, "cuti_bersama");
        assert_eq!(days[1].name, "Cuti, \"Bersama\"");
        assert_eq!(days[2].name, "Hari Jadi");
        // The header may be left out.
        assert_eq!(parse_holidays(b"2028-01-01,lokal,Satu").unwrap().len(), 1);
    }

    #[test]
    fn a_bad_holiday_file_names_its_line_and_what_is_wrong() {
        let head = "date,kind,name\n2028-01-01,libur_nasional,Tahun Baru\n";
        let cases: Vec<(String, usize, CsvProblem)> = vec![
            (
                format!("{head}2028-02-30,lokal,X\n"),
                3,
                CsvProblem::Date("2028-02-30".into()),
            ),
            (
                format!("{head}2028-13-01,lokal,X\n"),
                3,
                CsvProblem::Date("2028-13-01".into()),
            ),
            (
                format!("{head}\n01-02-2028,lokal,X\n"),
                4,
                CsvProblem::Date("01-02-2028".into()),
            ),
            (
                format!("{head}2028-02-01,libur,X\n"),
                3,
                CsvProblem::Kind("libur".into()),
            ),
            (format!("{head}2028-02-01,lokal\n"), 3, CsvProblem::Fields(2)),
            (format!("{head}2028-02-01,lokal,Hari A, B\n"), 3, CsvProblem::Fields(4)),
            (format!("{head}2028-02-01,lokal,\n"), 3, CsvProblem::NameEmpty),
            (format!("{head}2028-02-01,lokal,\"X\n"), 3, CsvProblem::Quotes),
            (format!("{head}2028-02-01,lokal,\"X\"Y\n"), 3, CsvProblem::Quotes),
            (format!("{head}2028-02-01,lokal,A\tB\n"), 3, CsvProblem::NameControl),
            (
                format!("{head}2028-02-01,lokal,{}\n", "x".repeat(201)),
                3,
                CsvProblem::NameTooLong,
            ),
            (
                format!("{head}2028-02-01,lokal,A\n2028-01-01,lokal,B\n"),
                4,
                CsvProblem::Repeated { first_line: 2 },
            ),
            (
                "2028-01-01,lokal,A\ndate,kind,name\n".into(),
                2,
                CsvProblem::Date("date".into()),
            ),
        ];
        for (text, line, expected) in cases {
            assert_eq!(problem(&text), (Some(line), expected), "{text}");
        }
        assert_eq!(problem("date,kind,name\n\n"), (None, CsvProblem::Empty));
        assert_eq!(problem(""), (None, CsvProblem::Empty));
        assert_eq!(
            parse_holidays(&[0xff, 0xfe, b'a']).unwrap_err().problem,
            CsvProblem::NotText
        );
        let big = format!(
            "{head}{}",
            "2028-02-01,lokal,X\n".repeat(MAX_HOLIDAY_FILE_BYTES / 19 + 1)
        );
        assert_eq!(problem(&big), (None, CsvProblem::TooLarge));
        let message = parse_holidays(format!("{head}2028-02-30,lokal,X").as_bytes())
            .unwrap_err()
            .to_string();
        assert_eq!(message, "line 3: \"2028-02-30\" is not a date (YYYY-MM-DD)");
    }

    #[test]
    fn parses_every_level() {
        let areas: Vec<Area> =
            parse_areas("code,name\n14,Riau\n14.03,Kabupaten Bengkalis\n14.03.01,Bengkalis\n14.03.01.1001,Kota\n")
                .collect();
        assert_eq!(areas.len(), 4);
        assert_eq!(
            areas[0],
            Area {
                code: "14",
                name: "Riau",
                level: 1,
                parent: None
            }
        );
        assert_eq!(areas[3].level, 4);
        assert_eq!(areas[3].parent, Some("14.03.01"));
    }

    #[test]
    fn the_shipped_file_has_every_area() {
        let areas: Vec<Area> = parse_areas(AREAS_CSV).collect();
        assert_eq!(areas.iter().filter(|a| a.level == 1).count(), 38);
        assert_eq!(areas.iter().filter(|a| a.level == 2).count(), 514);
        assert_eq!(areas.iter().filter(|a| a.level == 4).count(), 83_762);
    }
}

#[cfg(test)]
mod regions_match_the_seed {
    use super::*;
    use app::domain::regions::{DISTRICTS, PROVINCES, REGENCIES};

    /// The browser checks NIK and KK numbers against a copy of the codes compiled into the app; it must be the
    /// same list the database holds.
    #[test]
    fn the_apps_copy_of_the_codes_is_the_seed() {
        let areas: Vec<Area> = parse_areas(AREAS_CSV).collect();
        let codes = |level| -> Vec<String> {
            let mut v: Vec<String> = areas
                .iter()
                .filter(|a| a.level == level)
                .map(|a| a.code.replace('.', ""))
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            codes(1),
            PROVINCES.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>()
        );
        assert_eq!(
            codes(2),
            REGENCIES.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>()
        );
        assert_eq!(codes(3), DISTRICTS.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }
}
