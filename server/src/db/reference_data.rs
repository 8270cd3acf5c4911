//! Reference data the portal ships with: every area code of Indonesia (for the NIK and the address pickers) and
//! the national holidays and collective leave days (for the working-day calendar). Loaded into the database on
//! first start; staff can edit the holidays afterwards, so a table that already has rows is left alone.

use super::Db;

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
                "INSERT INTO areas (code, name, level, parent) VALUES {}",
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
    if is_empty(db, "holidays").await? {
        let mut tx = db.pool.begin().await?;
        for line in HOLIDAYS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let mut fields = line.splitn(3, ',');
            let (Some(date), Some(kind), Some(name)) = (fields.next(), fields.next(), fields.next()) else {
                continue;
            };
            sqlx::query("INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3)")
                .bind(date)
                .bind(kind)
                .bind(name.trim_matches('"'))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::info!("loaded the holiday calendar");
    }
    Ok(())
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
