//! Commands of the server binary: the first admin account, and the calendar (also at `/petugas/kalender`), for
//! scripts and for the office before anyone has signed in:
//!
//! ```text
//! server points                                 the service points and their counters
//! server holiday add YYYY-MM-DD NAME [KIND]     a day off for every point (KIND: libur_nasional, cuti_bersama, lokal)
//! server import-holidays FILE.csv               the holidays of a CSV file (date,kind,name), all or none
//! server close POINT YYYY-MM-DD REASON          one point closed on one day
//! server create-admin USERNAME [FULL NAME]      the first admin (or another): prints a one-time enrolment link
//! ```
//!
//! A day off cancels the appointments on it and queues a message to each applicant, in one transaction. An import
//! adds the days the calendar does not have, updates those it has under another name or kind, and leaves the rest:
//! running it twice changes nothing. A file with a wrong line is refused whole, naming the line.

use crate::{
    auth::now,
    config::Config,
    db::{reference_data, Db},
};
use app::domain::Date;
use secrecy::ExposeSecret;
use std::path::PathBuf;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Points,
    Holiday { day: Date, name: String, kind: String },
    ImportHolidays { file: PathBuf },
    Close { point: String, day: Date, reason: String },
    CreateAdmin { username: String, name: String },
}

/// The command in `args` (after the program's name); `None` when the arguments are not a command: the server runs.
pub fn parse(args: &[String]) -> Option<Result<Command, String>> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let day = |text: &str| Date::parse_iso(text).ok_or_else(|| format!("not a date (YYYY-MM-DD): {text}"));
    Some(match words.as_slice() {
        [] => return None,
        ["points"] => Ok(Command::Points),
        ["holiday", "add", date, name] | ["holiday", "add", date, name, _] => {
            let kind = words.get(4).copied().unwrap_or("lokal");
            if !["libur_nasional", "cuti_bersama", "lokal"].contains(&kind) {
                return Some(Err(format!("unknown kind of day off: {kind}")));
            }
            day(date).map(|day| Command::Holiday {
                day,
                name: (*name).to_owned(),
                kind: kind.to_owned(),
            })
        }
        ["import-holidays", file] => Ok(Command::ImportHolidays {
            file: PathBuf::from(file),
        }),
        ["close", point, date, reason] => day(date).map(|day| Command::Close {
            point: (*point).to_owned(),
            day,
            reason: (*reason).to_owned(),
        }),
        ["create-admin", username, name @ ..] => Ok(Command::CreateAdmin {
            username: (*username).to_owned(),
            name: name.join(" "),
        }),
        _ => Err(
            "usage: server [points | holiday add YYYY-MM-DD NAME [KIND] | import-holidays FILE.csv | \
                  close POINT YYYY-MM-DD REASON | create-admin USERNAME [FULL NAME]]"
                .into(),
        ),
    })
}

/// The holidays of `file`, checked whole before the database is touched.
fn read_holidays(file: &std::path::Path) -> Result<Vec<reference_data::Holiday>, String> {
    let shown = file.display();
    let size = std::fs::metadata(file).map_err(|e| format!("{shown}: {e}"))?.len();
    let bytes = if size > reference_data::MAX_HOLIDAY_FILE_BYTES as u64 {
        // Over the limit: no need to read it all to say so.
        vec![0; reference_data::MAX_HOLIDAY_FILE_BYTES + 1]
    } else {
        std::fs::read(file).map_err(|e| format!("{shown}: {e}"))?
    };
    reference_data::parse_holidays(&bytes).map_err(|e| format!("{shown}: {e}; nothing was imported"))
}

pub async fn run(command: Command, config: &Config) -> Result<String, String> {
    // A bad file is refused before the database is opened (or created).
    let holidays = match &command {
        Command::ImportHolidays { file } => Some(read_holidays(file)?),
        _ => None,
    };
    let db = Db::connect(config.database_url.expose_secret())
        .await
        .map_err(|e| e.to_string())?;
    let cancelled = match command {
        Command::ImportHolidays { file } => {
            let report = reference_data::import_holidays(&db, holidays.as_deref().unwrap_or_default(), now())
                .await
                .map_err(|e| e.to_string())?;
            return Ok(format!(
                "imported {}: {} day(s) added, {} updated, {} already there; {} appointment(s) cancelled, their \
                 applicants' messages queued",
                file.display(),
                report.added,
                report.updated,
                report.unchanged,
                report.cancelled
            ));
        }
        Command::CreateAdmin { username, name } => {
            let (_, token) =
                crate::db::staff::create(&db, &username, &name, app::domain::process::Role::Admin, None, now())
                    .await
                    .map_err(|e| e.to_string())?;
            return Ok(format!(
                "admin {} created. Open this one-time link within 72 hours to choose a password and set up the \
                 authenticator app:\n{}/petugas/daftar/{token}",
                username.trim().to_lowercase(),
                config.public_base_url.trim_end_matches('/')
            ));
        }
        Command::Points => {
            let mut conn = db.pool.acquire().await.map_err(|e| e.to_string())?;
            let points = crate::db::bookings::points(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            return Ok(points
                .iter()
                .map(|p| {
                    format!(
                        "{:<10} {:<48} counters {:>2}{}",
                        p.id,
                        p.name,
                        p.schedule.counters,
                        if p.serves_foreigners {
                            ", foreign residents too"
                        } else {
                            ""
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"));
        }
        Command::Holiday { day, name, kind } => crate::db::bookings::add_holiday(&db, day, &kind, &name, now()).await,
        Command::Close { point, day, reason } => {
            let mut conn = db.pool.acquire().await.map_err(|e| e.to_string())?;
            let known = crate::db::bookings::points(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            drop(conn);
            if !known.iter().any(|p| p.id == point) {
                return Err(format!("no service point {point} (see: server points)"));
            }
            crate::db::bookings::close_point(&db, &point, day, &reason, now()).await
        }
    }
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "done: {} appointment(s) cancelled, their applicants' messages queued",
        cancelled.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn reads_create_admin() {
        assert_eq!(
            parse(&args(&["create-admin", "siti", "Siti", "Aminah"])),
            Some(Ok(Command::CreateAdmin {
                username: "siti".into(),
                name: "Siti Aminah".into()
            }))
        );
        assert!(matches!(parse(&args(&["create-admin"])), Some(Err(_))));
    }

    #[test]
    fn reads_the_calendar_commands() {
        assert_eq!(parse(&args(&[])), None, "no arguments: the server runs");
        assert_eq!(parse(&args(&["points"])), Some(Ok(Command::Points)));
        assert_eq!(
            parse(&args(&["holiday", "add", "2026-12-31", "Hari Jadi"])),
            Some(Ok(Command::Holiday {
                day: Date::new(2026, 12, 31).unwrap(),
                name: "Hari Jadi".into(),
                kind: "lokal".into()
            }))
        );
        assert!(matches!(
            parse(&args(&["holiday", "add", "31-12-2026", "x"])),
            Some(Err(_))
        ));
        assert!(matches!(
            parse(&args(&["holiday", "add", "2026-12-31", "x", "cuti"])),
            Some(Err(_))
        ));
        assert!(matches!(
            parse(&args(&["close", "14.03.02", "2026-12-10", "Listrik padam"])),
            Some(Ok(Command::Close { .. }))
        ));
        assert!(matches!(parse(&args(&["frobnicate"])), Some(Err(_))));
        assert_eq!(
            parse(&args(&["import-holidays", "libur-2028.csv"])),
            Some(Ok(Command::ImportHolidays {
                file: "libur-2028.csv".into()
            }))
        );
        assert!(matches!(parse(&args(&["import-holidays"])), Some(Err(_))));
        assert!(matches!(
            parse(&args(&["import-holidays", "a.csv", "b.csv"])),
            Some(Err(_))
        ));
    }

    #[test]
    fn a_holiday_file_is_read_whole_before_anything_is_imported() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.csv");
        std::fs::write(&good, "date,kind,name\n2028-01-01,libur_nasional,Tahun Baru Masehi\n").unwrap();
        assert_eq!(read_holidays(&good).unwrap().len(), 1);
        let bad = dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            "date,kind,name\n2028-01-01,libur_nasional,A\n2028-02-30,lokal,B\n",
        )
        .unwrap();
        let error = read_holidays(&bad).unwrap_err();
        assert!(
            error.ends_with("line 3: \"2028-02-30\" is not a date (YYYY-MM-DD); nothing was imported"),
            "{error}"
        );
        let big = dir.path().join("big.csv");
        std::fs::write(&big, vec![b'x'; reference_data::MAX_HOLIDAY_FILE_BYTES + 1]).unwrap();
        assert!(read_holidays(&big).unwrap_err().contains("over 64 KiB"));
        assert!(read_holidays(&dir.path().join("missing.csv")).is_err());
    }
}
