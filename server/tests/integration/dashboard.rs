//! The service dashboard (`/petugas/dasbor` and its CSV): a known office written straight into the database, then
//! every figure on the page and in the CSV compared with the same figure counted here, by plain loops over the
//! rows this test wrote (and the calendar read back as rows), never by the dashboard's SQL. Only supervisors see
//! it; the page has no script and shows no NIK.

use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::domain::{process::Role, Date};
use server::db::Db;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const WIB: i64 = 7 * 3600;
const STATES: [&str; 11] = [
    "submitted",
    "returned",
    "rejected",
    "approved",
    "recorded",
    "identifying",
    "clarification",
    "personalizing",
    "distributing",
    "ready",
    "issued",
];
const WAITING: [&str; 5] = [
    "recorded",
    "identifying",
    "clarification",
    "personalizing",
    "distributing",
];

// ---------------------------------------------------------------------------------------------------------------
// Days: whole days since 1970-01-01 in office time (WIB), counted here with plain arithmetic.

fn day_of(at: i64) -> i64 {
    (at + WIB).div_euclid(86_400)
}

fn at(day: i64, hour: i64) -> i64 {
    day * 86_400 - WIB + hour * 3600
}

fn iso(day: i64) -> String {
    Date::from_days_since_epoch(day).to_string()
}

/// 0 Monday … 6 Sunday (1970-01-01 was a Thursday).
fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

struct Office {
    holidays: HashSet<String>,
}

impl Office {
    fn working(&self, day: i64) -> bool {
        weekday(day) < 5 && !self.holidays.contains(&iso(day))
    }

    /// The fourteenth working day after `recorded`.
    fn due(&self, recorded: i64) -> i64 {
        let (mut day, mut counted) = (recorded, 0);
        while counted < 14 {
            day += 1;
            if self.working(day) {
                counted += 1;
            }
        }
        day
    }

    fn working_days_between(&self, after: i64, up_to: i64) -> i64 {
        ((after + 1)..=up_to).filter(|d| self.working(*d)).count() as i64
    }
}

/// `YYYY-Www` of the week starting on `monday`: the ISO year is its Thursday's.
fn week_label(monday: i64) -> String {
    let thursday = Date::from_days_since_epoch(monday + 3);
    let january_first = Date::new(thursday.year(), 1, 1).unwrap().days_since_epoch();
    let ordinal = monday + 3 - january_first + 1;
    format!("{}-W{:02}", thursday.year(), (ordinal + 6) / 7)
}

/// Tenths of a percent, half up.
fn tenths(part: i64, whole: i64) -> Option<i64> {
    (whole != 0).then(|| (2000 * part / whole + 1) / 2)
}

fn page_percent(part: i64, whole: i64) -> String {
    tenths(part, whole).map_or("—".to_owned(), |t| format!("{},{} %", t / 10, t % 10))
}

fn csv_percent(part: i64, whole: i64) -> String {
    tenths(part, whole).map_or(String::new(), |t| format!("{}.{}", t / 10, t % 10))
}

// ---------------------------------------------------------------------------------------------------------------
// The office's data, as this test writes it.

struct Application {
    id: String,
    reference: String,
    point: Option<String>,
    status: &'static str,
    nik: String,
    events: Vec<(i64, &'static str)>,
}

impl Application {
    fn submitted(&self) -> bool {
        self.status != "draft"
    }

    fn days_to(&self, status: &str) -> Vec<i64> {
        self.events
            .iter()
            .filter(|(_, s)| *s == status)
            .map(|(a, _)| day_of(*a))
            .collect()
    }
}

struct Booking {
    application: usize,
    point: String,
    day: i64,
    status: &'static str,
}

#[derive(Default)]
struct Data {
    applications: Vec<Application>,
    bookings: Vec<Booking>,
}

impl Data {
    /// An application at `point` in `status`, with events to each status at (day, hour).
    fn add(&mut self, point: Option<&str>, status: &'static str, events: &[(i64, i64, &'static str)]) -> usize {
        let n = self.applications.len();
        self.applications.push(Application {
            id: format!("dasbor-{n:03}"),
            reference: format!("BKS-DSB-{n:04}"),
            point: point.map(str::to_owned),
            status,
            nik: format!("1403{:012}", 910_000_000_000_u64 + n as u64 * 7_919),
            events: events.iter().map(|(d, h, s)| (at(*d, *h), *s)).collect(),
        });
        n
    }

    async fn write(&self, db: &Db, now: i64) {
        sqlx::query(
            "INSERT INTO accounts (id, identifier, created_at) VALUES ('dasbor-akun', 'dasbor@example.com', $1)",
        )
        .bind(now)
        .execute(&db.pool)
        .await
        .unwrap();
        for a in &self.applications {
            let first = a.events.iter().map(|(t, _)| *t).min();
            let answers = serde_json::json!({ "full_name": format!("Pemohon {}", a.reference), "nik": a.nik });
            sqlx::query(
                "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
                 submitted_at, point_id, nik) VALUES ($1, 'dasbor-akun', 'wni', $2, $3, $4, $5, $5, $6, $7, $8)",
            )
            .bind(&a.id)
            .bind(a.status)
            .bind(answers.to_string())
            .bind(a.submitted().then_some(&a.reference))
            .bind(first.unwrap_or(now))
            .bind(if a.submitted() { first } else { None })
            .bind(&a.point)
            .bind(&a.nik)
            .execute(&db.pool)
            .await
            .unwrap();
            let mut from: Option<&str> = None;
            for (i, (t, to)) in a.events.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO application_events (id, application_id, at, actor, from_status, to_status) \
                     VALUES ($1, $2, $3, 'staff:uji', $4, $5)",
                )
                .bind(format!("{}-e{i}", a.id))
                .bind(&a.id)
                .bind(*t)
                .bind(from)
                .bind(*to)
                .execute(&db.pool)
                .await
                .unwrap();
                from = Some(*to);
            }
        }
        for (i, b) in self.bookings.iter().enumerate() {
            sqlx::query(
                "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, '09:00', '09:15', $5, $6, $6)",
            )
            .bind(format!("dasbor-b{i}"))
            .bind(&self.applications[b.application].id)
            .bind(&b.point)
            .bind(iso(b.day))
            .bind(b.status)
            .bind(now)
            .execute(&db.pool)
            .await
            .unwrap();
        }
    }
}

/// A service point's id, counters, slot minutes and break, as configured.
type PointConfig = (String, i64, i64, Option<String>, Option<String>);

/// A point's places on `day`: its slots (each `slot_minutes` long, inside the opening hours, none starting in a
/// way that overlaps the break) times its counters; none on a weekend, a holiday or a closure.
struct Schedule {
    counters: i64,
    slot: i64,
    pause: Option<(i64, i64)>,
    hours: Vec<(i64, i64, i64)>,
    closed: HashSet<String>,
}

fn minutes(hhmm: &str) -> i64 {
    let (h, m) = hhmm.split_once(':').unwrap();
    h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
}

impl Schedule {
    fn places(&self, office: &Office, day: i64) -> i64 {
        if !office.working(day) || self.closed.contains(&iso(day)) {
            return 0;
        }
        let mut slots = 0;
        for (_, opens, closes) in self.hours.iter().filter(|(w, _, _)| *w == weekday(day)) {
            let mut start = *opens;
            while start + self.slot <= *closes {
                let in_pause = self.pause.is_some_and(|(a, b)| start + self.slot > a && start < b);
                if !in_pause {
                    slots += 1;
                }
                start += self.slot;
            }
        }
        slots * self.counters
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the page and the CSV.

/// The cells after the row header `label` (`<th scope="row" …>label</th>`), their markup removed.
fn row_cells(html: &str, label: &str) -> Vec<String> {
    let needle = format!(">{label}</th>");
    let mut from = 0;
    while let Some(found) = html[from..].find(&needle) {
        let at = from + found;
        let open = html[..at].rfind("<th").unwrap();
        if html[open..at].contains("scope=\"row\"") {
            let end = at + html[at..].find("</tr>").unwrap();
            return html[at + needle.len()..end]
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let start = cell.find('>').unwrap() + 1;
                    cell[start..cell.find("</td>").unwrap()].to_owned()
                })
                .collect();
        }
        from = at + needle.len();
    }
    panic!("no row {label}");
}

/// The part of the page from the element with `id` to the next `<section`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("<section").map_or(html.len(), |e| start + e);
    &html[start..end]
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// RFC 4180 records, written out here rather than trusted to the server's writer.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the CSV ends with a line break");
    records
}

#[tokio::test]
async fn the_dashboard_figures_match_the_data_counted_independently() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let now = server::auth::now();
    let today = day_of(now);
    let monday = today - weekday(today);
    let first_monday = monday - 77;
    let d = |offset: i64| monday + offset;

    // Three active points, the third renamed with a comma and quotes (escaped in the page and the CSV).
    let points: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM service_points WHERE active = 1 ORDER BY position, id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert!(points.len() >= 3);
    let (p1, p2, p3) = (points[0].0.clone(), points[1].0.clone(), points[2].0.clone());
    let renamed = "Kantor Camat \"Uji\", Bengkalis";
    sqlx::query("UPDATE service_points SET name = $1 WHERE id = $2")
        .bind(renamed)
        .bind(&p3)
        .execute(&db.pool)
        .await
        .unwrap();
    let names: HashMap<String, String> = points
        .iter()
        .map(|(id, name)| (id.clone(), if *id == p3 { renamed.to_owned() } else { name.clone() }))
        .collect();

    // A recording on a Monday five weeks ago, with a day off that Wednesday: the card ready on the promised day
    // is on time only because the holiday moved that day.
    let recorded = d(-35);
    let day_off = recorded + 2;
    sqlx::query(
        "INSERT INTO holidays (day, kind, name) VALUES ($1, 'lokal', 'Libur uji') ON CONFLICT (day) DO NOTHING",
    )
    .bind(iso(day_off))
    .execute(&db.pool)
    .await
    .unwrap();
    // Days in the next two weeks: one a holiday for every point, one a closure of the second point.
    let coming_weekdays: Vec<i64> = ((today + 1)..(today + 14)).filter(|d| weekday(*d) < 5).collect();
    let (future_holiday, closure) = (coming_weekdays[1], coming_weekdays[3]);
    sqlx::query(
        "INSERT INTO holidays (day, kind, name) VALUES ($1, 'lokal', 'Libur uji 2') ON CONFLICT (day) DO NOTHING",
    )
    .bind(iso(future_holiday))
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO closures (point_id, day, reason) VALUES ($1, $2, 'Listrik padam')")
        .bind(&p2)
        .bind(iso(closure))
        .execute(&db.pool)
        .await
        .unwrap();
    let holidays: Vec<(String,)> = sqlx::query_as("SELECT day FROM holidays")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let office = Office {
        holidays: holidays.into_iter().map(|(d,)| d).collect(),
    };
    let without_day_off = Office {
        holidays: office
            .holidays
            .iter()
            .filter(|d| **d != iso(day_off))
            .cloned()
            .collect(),
    };
    let due = office.due(recorded);
    assert!(due > without_day_off.due(recorded), "the day off moves the promise");
    assert!(due < today);

    // The latest recording day that is already late today, and the day after it (not late yet).
    let last_late = ((today - 40)..today).rev().find(|r| office.due(*r) < today).unwrap();

    let (pt1, pt2, pt3) = (Some(p1.as_str()), Some(p2.as_str()), Some(p3.as_str()));
    let mut data = Data::default();
    // Received: the first submission counts, in the office's week; drafts and older ones do not.
    data.add(pt1, "submitted", &[(d(-3), 10, "submitted")]);
    data.add(pt2, "submitted", &[(d(-100), 10, "submitted")]);
    data.add(
        pt1,
        "submitted",
        &[
            (d(-20), 10, "submitted"),
            (d(-18), 9, "returned"),
            (d(-15), 11, "submitted"),
        ],
    );
    data.add(
        pt3,
        "approved",
        &[
            (d(-90), 10, "submitted"),
            (d(-88), 9, "returned"),
            (d(-30), 10, "submitted"),
            (d(-29), 10, "approved"),
        ],
    );
    // Monday 03:00 WIB is still Sunday (20:00) in UTC: it counts in the week Bengkalis has begun.
    data.add(pt2, "approved", &[(d(-7), 3, "submitted"), (d(-7), 9, "approved")]);
    data.add(None, "submitted", &[(d(-2), 10, "submitted")]);
    data.add(pt1, "draft", &[]);
    data.add(pt3, "rejected", &[(d(-12), 10, "submitted"), (d(-11), 10, "rejected")]);
    // The promise: on time thanks to the day off; late by one working day; recorded long ago; ready before the
    // period; ready twice (the last counts); ready without a recording; on time.
    let path = |sub: i64, rec: i64, ready: i64| -> Vec<(i64, i64, &'static str)> {
        vec![
            (sub, 10, "submitted"),
            (sub, 11, "approved"),
            (rec, 9, "recorded"),
            (rec, 10, "identifying"),
            (rec + 1, 10, "personalizing"),
            (ready, 14, "ready"),
        ]
    };
    let mut on_time = path(d(-40), recorded, due);
    on_time.push((due + 1, 10, "issued"));
    data.add(pt1, "issued", &on_time);
    let next_working = ((due + 1)..).find(|x| office.working(*x)).unwrap();
    data.add(pt2, "ready", &path(d(-40), recorded, next_working));
    let mut old = path(d(-125), d(-120), d(-50));
    old.push((d(-45), 10, "issued"));
    data.add(pt3, "issued", &old);
    let mut before = path(d(-155), d(-150), d(-100));
    before.push((d(-98), 10, "issued"));
    data.add(pt1, "issued", &before);
    let mut twice = path(d(-62), d(-60), d(-45));
    twice.extend([
        (d(-44), 10, "clarification"),
        (d(-30), 10, "personalizing"),
        (d(-20), 10, "ready"),
    ]);
    data.add(pt2, "ready", &twice);
    data.add(pt1, "ready", &[(d(-30), 10, "submitted"), (d(-10), 10, "ready")]);
    let mut quick = path(d(-10), d(-8), d(-2));
    quick.push((d(-2), 15, "issued"));
    data.add(pt3, "issued", &quick);
    // Waiting for the card: late, late, late (on its way), not late; the latest late recording and the day after it.
    data.add(pt1, "identifying", &path(last_late - 32, last_late - 30, 0)[..4]);
    data.add(pt2, "personalizing", &path(last_late - 12, last_late - 10, 0)[..5]);
    // A card on its way to its point is still waiting: the promise runs until it is ready there.
    data.add(
        pt1,
        "distributing",
        &[
            (last_late - 9, 10, "submitted"),
            (last_late - 8, 10, "recorded"),
            (last_late - 1, 10, "distributing"),
        ],
    );
    data.add(
        pt3,
        "clarification",
        &[
            (last_late - 5, 10, "submitted"),
            (last_late - 3, 10, "recorded"),
            (last_late - 2, 10, "clarification"),
        ],
    );
    data.add(
        pt1,
        "recorded",
        &[(d(-5), 10, "submitted"), (today - 1, 10, "recorded")],
    );
    data.add(
        pt2,
        "recorded",
        &[(last_late - 2, 10, "submitted"), (last_late, 10, "recorded")],
    );
    data.add(
        pt2,
        "recorded",
        &[(last_late - 2, 10, "submitted"), (last_late + 1, 10, "recorded")],
    );

    // Appointments: past ones attended, missed or cancelled (and one too old); coming ones booked (one a day too
    // far, one cancelled). A booked appointment needs an application of its own.
    let holder = data.add(
        pt1,
        "approved",
        &[(d(-200), 10, "submitted"), (d(-199), 10, "approved")],
    );
    for (point, offset, status) in [
        (&p1, -3, "attended"),
        (&p1, -5, "attended"),
        (&p1, -10, "attended"),
        (&p1, -4, "missed"),
        (&p1, -20, "missed"),
        (&p1, -6, "cancelled"),
        (&p1, -29, "attended"),
        (&p2, -7, "attended"),
        (&p2, -8, "missed"),
        (&p2, -28, "missed"),
    ] {
        data.bookings.push(Booking {
            application: holder,
            point: point.clone(),
            day: today + offset,
            status,
        });
    }
    for (point, offset, status) in [
        (&p1, 1, "booked"),
        (&p1, 2, "booked"),
        (&p1, 13, "booked"),
        (&p1, 14, "booked"),
        (&p1, 3, "cancelled"),
        (&p2, 5, "booked"),
        (&p3, 0, "booked"),
    ] {
        let a = data.add(
            Some(point.as_str()),
            "approved",
            &[(d(-200), 10, "submitted"), (d(-199), 10, "approved")],
        );
        data.bookings.push(Booking {
            application: a,
            point: point.clone(),
            day: today + offset,
            status,
        });
    }
    data.write(&db, now).await;

    // Complaints: two open, one answered, one closed.
    let complaint_statuses = ["open", "answered", "open", "closed"];
    for (i, status) in complaint_statuses.iter().enumerate() {
        sqlx::query(
            "INSERT INTO complaints (id, application_id, account_id, body, status, created_at) \
             VALUES ($1, $2, 'dasbor-akun', 'Kartu belum jadi', $3, $4)",
        )
        .bind(format!("dasbor-c{i}"))
        .bind(&data.applications[0].id)
        .bind(status)
        .bind(now)
        .execute(&db.pool)
        .await
        .unwrap();
    }

    // ---- The figures, counted here.
    let mut by_state: BTreeMap<(Option<String>, &str), i64> = BTreeMap::new();
    for a in data.applications.iter().filter(|a| a.submitted()) {
        *by_state.entry((a.point.clone(), a.status)).or_default() += 1;
    }
    let week_of = |day: i64| {
        (first_monday..monday + 7)
            .contains(&day)
            .then(|| ((day - first_monday) / 7) as usize)
    };
    let mut received = [0_i64; 12];
    let mut issued = [0_i64; 12];
    for a in &data.applications {
        if let Some(w) = a.days_to("submitted").into_iter().min().and_then(week_of) {
            received[w] += 1;
        }
        let weeks: BTreeSet<usize> = a.days_to("issued").into_iter().filter_map(week_of).collect();
        for w in weeks {
            issued[w] += 1;
        }
    }
    let (mut ready, mut in_time, mut unmeasured) = (0_i64, 0_i64, 0_i64);
    for a in &data.applications {
        let Some(ready_day) = a.days_to("ready").into_iter().filter(|x| week_of(*x).is_some()).max() else {
            continue;
        };
        match a.days_to("recorded").into_iter().min() {
            None => unmeasured += 1,
            Some(r) => {
                ready += 1;
                if ready_day <= office.due(r) {
                    in_time += 1;
                }
            }
        }
    }
    assert_eq!((ready, in_time, unmeasured), (5, 2, 1), "the data set covers each case");
    let mut late: Vec<(i64, &Application, i64, i64)> = Vec::new();
    for a in data.applications.iter().filter(|a| WAITING.contains(&a.status)) {
        if let Some(r) = a.days_to("recorded").into_iter().min() {
            let due = office.due(r);
            if today > due {
                late.push((r, a, due, office.working_days_between(due, today)));
            }
        }
    }
    late.sort_by(|x, y| (x.0, &x.1.reference).cmp(&(y.0, &y.1.reference)));
    assert_eq!(
        late.len(),
        5,
        "three late, one of them on its way to its point, the latest late recording too, and not the day after"
    );

    let mut schedules: HashMap<String, Schedule> = HashMap::new();
    let configured: Vec<PointConfig> = sqlx::query_as(
        "SELECT id, counters, slot_minutes, break_start, break_end FROM service_points WHERE active = 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let hours: Vec<(String, i64, String, String)> =
        sqlx::query_as("SELECT point_id, weekday, opens, closes FROM opening_hours")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let closures: Vec<(String, String)> = sqlx::query_as("SELECT point_id, day FROM closures")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    for (id, counters, slot, pause_start, pause_end) in configured {
        schedules.insert(
            id.clone(),
            Schedule {
                counters,
                slot,
                pause: pause_start.zip(pause_end).map(|(a, b)| (minutes(&a), minutes(&b))),
                hours: hours
                    .iter()
                    .filter(|h| h.0 == id)
                    .map(|h| (h.1, minutes(&h.2), minutes(&h.3)))
                    .collect(),
                closed: closures.iter().filter(|c| c.0 == id).map(|c| c.1.clone()).collect(),
            },
        );
    }
    // (past booked, past capacity, attended, missed, coming booked, coming capacity) per point.
    let mut fill: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for (id, schedule) in &schedules {
        let row = fill.entry(id.clone()).or_default();
        row[1] = ((today - 28)..today).map(|x| schedule.places(&office, x)).sum();
        row[5] = (today..today + 14).map(|x| schedule.places(&office, x)).sum();
    }
    for b in &data.bookings {
        let row = fill.get_mut(&b.point).unwrap();
        let counted = b.status != "cancelled";
        if (today - 28..today).contains(&b.day) && counted {
            row[0] += 1;
            row[2] += i64::from(b.status == "attended");
            row[3] += i64::from(b.status == "missed");
        } else if (today..today + 14).contains(&b.day) && counted {
            row[4] += 1;
        }
    }
    let open_complaints = complaint_statuses.iter().filter(|s| **s == "open").count() as i64;

    // ---- Who may see it.
    let supervisor = staff_member(&db, "sari", Role::Supervisor, None).await.1;
    let operator = staff_member(&db, "budi", Role::Operator, Some(&p1)).await.1;
    let admin = staff_member(&db, "ani", Role::Admin, None).await.1;
    let response = get_with(&app, "/petugas/dasbor", &[]).await;
    assert_eq!(response.headers()["location"], "/petugas/masuk");
    for (username, secret) in [("budi", &operator), ("ani", &admin)] {
        let session = staff_sign_in(&app, username, secret).await;
        for path in ["/petugas/dasbor", "/petugas/dasbor.csv"] {
            let response = get_with(&app, path, &[&session]).await;
            assert_eq!(response.status(), 404, "{username} {path}");
            assert!(!response.text().await.unwrap().contains("BKS-DSB"));
        }
        let home = get_with(&app, "/petugas", &[&session]).await.text().await.unwrap();
        assert!(
            !home.contains("href=\"/petugas/dasbor\""),
            "{username} has no link to it"
        );
    }
    let session = staff_sign_in(&app, "sari", &supervisor).await;

    // ---- The page.
    let response = get_with(&app, "/petugas/dasbor", &[&session]).await;
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'none'"), "{policy}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script"));
    for a in &data.applications {
        assert!(!html.contains(&a.nik), "the NIK of {} is not shown", a.reference);
    }
    assert!(
        html.contains("href=\"/petugas/dasbor\""),
        "the supervisor's navigation links to it"
    );
    assert!(html.contains("href=\"/petugas/dasbor.csv\""));
    assert_eq!(html.matches("<svg").count(), 3);
    assert_eq!(html.matches("role=\"img\" aria-labelledby=").count(), 3);
    for id in ["grafik-status", "grafik-minggu", "grafik-janji"] {
        assert!(html.contains(&format!("<title id=\"{id}-judul\">")), "{id}");
        assert!(html.contains(&format!("<desc id=\"{id}-ket\">")), "{id}");
    }
    assert!(html.contains(&escape(renamed)));
    assert!(!html.contains(renamed));

    let states = section(&html, "status");
    for (id, _) in &points {
        let expected: Vec<String> = STATES
            .iter()
            .map(|s| by_state.get(&(Some(id.clone()), *s)).copied().unwrap_or(0).to_string())
            .chain(std::iter::once(
                by_state
                    .iter()
                    .filter(|((p, _), _)| p.as_deref() == Some(id.as_str()))
                    .map(|(_, n)| n)
                    .sum::<i64>()
                    .to_string(),
            ))
            .collect();
        assert_eq!(row_cells(states, &escape(&names[id])), expected, "{id}");
    }
    let without_point: Vec<String> = STATES
        .iter()
        .map(|s| by_state.get(&(None, *s)).copied().unwrap_or(0).to_string())
        .chain(std::iter::once("1".to_owned()))
        .collect();
    assert_eq!(row_cells(states, "Belum ada tempat layanan"), without_point);
    let total: i64 = by_state.values().sum();
    assert_eq!(total, data.applications.len() as i64 - 1, "all but the draft");
    assert!(row_cells(states, "Jumlah").contains(&total.to_string()));

    let weeks = section(&html, "minggu");
    for w in 0..12 {
        let start = first_monday + 7 * w as i64;
        assert_eq!(
            row_cells(weeks, &week_label(start)),
            [iso(start), received[w].to_string(), issued[w].to_string()],
            "week {}",
            week_label(start)
        );
    }
    assert!(received.iter().sum::<i64>() >= 5 && issued.iter().sum::<i64>() == 3);

    let promise = section(&html, "janji");
    assert_eq!(row_cells(promise, "Menjadi siap diambil"), [ready.to_string()]);
    assert_eq!(row_cells(promise, "Tepat waktu"), [in_time.to_string()]);
    assert_eq!(row_cells(promise, "Terlambat"), [(ready - in_time).to_string()]);
    assert_eq!(
        row_cells(promise, "Persentase tepat waktu"),
        [page_percent(in_time, ready)]
    );
    assert_eq!(
        row_cells(promise, "Tanpa catatan perekaman (tidak dihitung)"),
        [unmeasured.to_string()]
    );

    let late_part = section(&html, "terlambat");
    let mut last_position = 0;
    for (r, a, due, days) in &late {
        let cells = row_cells(late_part, &a.reference);
        assert_eq!(cells[0], escape(&names[a.point.as_ref().unwrap()]));
        assert_eq!(
            cells[2..],
            [iso(*r), iso(*due), days.to_string(), (today - r).to_string()],
            "{}",
            a.reference
        );
        let position = late_part.find(&a.reference).unwrap();
        assert!(position > last_position, "oldest first");
        last_position = position;
    }
    assert_eq!(late_part.matches("BKS-DSB-").count(), late.len());

    let appointments = section(&html, "jadwal");
    let mut office_fill = [0_i64; 6];
    for (id, row) in &fill {
        for (total, n) in office_fill.iter_mut().zip(row) {
            *total += n;
        }
        assert_eq!(
            row_cells(appointments, &escape(&names[id])),
            [
                row[0].to_string(),
                row[1].to_string(),
                page_percent(row[0], row[1]),
                row[2].to_string(),
                row[3].to_string(),
                page_percent(row[3], row[2] + row[3]),
                row[4].to_string(),
                row[5].to_string(),
                page_percent(row[4], row[5]),
            ],
            "{id}"
        );
    }
    assert_eq!(fill[&p1][..1], [5]);
    assert_eq!(
        schedules[&p1].places(&office, future_holiday),
        0,
        "a holiday has no places"
    );
    assert_eq!(schedules[&p2].places(&office, closure), 0, "nor a closed point");
    assert!(schedules[&p1].places(&office, closure) > 0);
    assert_eq!(
        row_cells(appointments, "Jumlah")[..2],
        [office_fill[0].to_string(), office_fill[1].to_string()]
    );

    assert!(html.contains(&format!("data-complaints-open=\"{open_complaints}\"")));

    // ---- In English.
    let english = get_with(&app, "/petugas/dasbor", &[&session, "lang=en"])
        .await
        .text()
        .await
        .unwrap();
    assert!(english.contains("Service dashboard") && english.contains("Received and issued per week"));
    assert_eq!(
        row_cells(section(&english, "janji"), "Share on time"),
        [page_percent(in_time, ready).replace(',', ".")]
    );

    // ---- The CSV.
    let response = get_with(&app, "/petugas/dasbor.csv", &[&session]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"dasbor-{}.csv\"", iso(today)).as_str()
    );
    let text = response.text().await.unwrap();
    for a in &data.applications {
        assert!(!text.contains(&a.nik));
    }
    assert!(text.contains(&format!("point,{p3},name,\"Kantor Camat \"\"Uji\"\", Bengkalis\"\r\n")));
    let records = parse_csv(&text);
    assert_eq!(records[0], ["figure", "group", "key", "value"]);
    let mut csv: HashMap<(String, String, String), String> = HashMap::new();
    for r in &records[1..] {
        assert_eq!(r.len(), 4, "{r:?}");
        assert!(
            csv.insert((r[0].clone(), r[1].clone(), r[2].clone()), r[3].clone())
                .is_none(),
            "one value per key: {r:?}"
        );
    }
    let value = |figure: &str, group: &str, key: &str| -> String {
        csv.get(&(figure.to_owned(), group.to_owned(), key.to_owned()))
            .unwrap_or_else(|| panic!("no {figure},{group},{key}"))
            .clone()
    };
    assert_eq!(value("point", &p3, "name"), renamed);
    assert_eq!(value("as_of", "office", "date"), iso(today));
    for ((point, status), n) in &by_state {
        assert_eq!(
            value("applications_by_state", point.as_deref().unwrap_or("none"), status),
            n.to_string()
        );
    }
    for s in STATES {
        let office_count: i64 = by_state.iter().filter(|((_, x), _)| *x == s).map(|(_, n)| n).sum();
        assert_eq!(
            value("applications_by_state", "office", s),
            office_count.to_string(),
            "{s}"
        );
    }
    assert_eq!(value("applications_by_state", "office", "total"), total.to_string());
    for w in 0..12 {
        let label = week_label(first_monday + 7 * w as i64);
        assert_eq!(value("received_per_week", "office", &label), received[w].to_string());
        assert_eq!(value("issued_per_week", "office", &label), issued[w].to_string());
    }
    assert_eq!(value("within_promise", "office", "ready"), ready.to_string());
    assert_eq!(value("within_promise", "office", "on_time"), in_time.to_string());
    assert_eq!(value("within_promise", "office", "late"), (ready - in_time).to_string());
    assert_eq!(value("within_promise", "office", "unmeasured"), unmeasured.to_string());
    assert_eq!(
        value("within_promise", "office", "on_time_percent"),
        csv_percent(in_time, ready)
    );
    let late_in_csv: Vec<&String> = records
        .iter()
        .filter(|r| r[0] == "late" && r[2] == "due")
        .map(|r| &r[1])
        .collect();
    assert_eq!(late_in_csv, late.iter().map(|l| &l.1.reference).collect::<Vec<_>>());
    for (r, a, due, days) in &late {
        assert_eq!(value("late", &a.reference, "point"), a.point.clone().unwrap());
        assert_eq!(value("late", &a.reference, "state"), a.status);
        assert_eq!(value("late", &a.reference, "recorded"), iso(*r));
        assert_eq!(value("late", &a.reference, "due"), iso(*due));
        assert_eq!(value("late", &a.reference, "working_days_late"), days.to_string());
        assert_eq!(value("late", &a.reference, "age_days"), (today - r).to_string());
    }
    let fills = fill
        .iter()
        .map(|(id, row)| (id.as_str(), *row))
        .chain([("office", office_fill)]);
    for (group, row) in fills {
        assert_eq!(
            value("appointments", group, "past_booked"),
            row[0].to_string(),
            "{group}"
        );
        assert_eq!(
            value("appointments", group, "past_capacity"),
            row[1].to_string(),
            "{group}"
        );
        assert_eq!(
            value("appointments", group, "past_fill_percent"),
            csv_percent(row[0], row[1])
        );
        assert_eq!(value("appointments", group, "attended"), row[2].to_string(), "{group}");
        assert_eq!(value("appointments", group, "missed"), row[3].to_string(), "{group}");
        assert_eq!(
            value("appointments", group, "no_show_percent"),
            csv_percent(row[3], row[2] + row[3])
        );
        assert_eq!(
            value("appointments", group, "coming_booked"),
            row[4].to_string(),
            "{group}"
        );
        assert_eq!(
            value("appointments", group, "coming_capacity"),
            row[5].to_string(),
            "{group}"
        );
        assert_eq!(
            value("appointments", group, "coming_fill_percent"),
            csv_percent(row[4], row[5])
        );
    }
    assert_eq!(value("complaints_open", "office", "count"), open_complaints.to_string());
    app.stop().await;
}
