//! Commands of the server binary: the first admin account, and the calendar (also at `/petugas/kalender`), for
//! scripts and for the office before anyone has signed in:
//!
//! ```text
//! server points                                 the service points and their counters
//! server holiday add YYYY-MM-DD NAME [KIND]     a day off for every point (KIND: libur_nasional, cuti_bersama, lokal)
//! server close POINT YYYY-MM-DD REASON          one point closed on one day
//! server create-admin USERNAME [FULL NAME]      the first admin (or another): prints a one-time enrolment link
//! ```
//!
//! A day off cancels the appointments on it and queues a message to each applicant, in one transaction.

use crate::{auth::now, config::Config, db::Db};
use app::domain::Date;
use secrecy::ExposeSecret;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Points,
    Holiday { day: Date, name: String, kind: String },
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
            "usage: server [points | holiday add YYYY-MM-DD NAME [KIND] | close POINT YYYY-MM-DD REASON | \
                  create-admin USERNAME [FULL NAME]]"
                .into(),
        ),
    })
}

pub async fn run(command: Command, config: &Config) -> Result<String, String> {
    let db = Db::connect(config.database_url.expose_secret())
        .await
        .map_err(|e| e.to_string())?;
    let cancelled = match command {
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
    }
}
