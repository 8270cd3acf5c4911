use crate::helpers::*;
use server::db::Db;

#[tokio::test]
async fn area_codes_and_holidays_are_loaded_once() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM areas WHERE level = 1").await, 38);
    assert_eq!(
        count_all(&db, "SELECT COUNT(*) FROM areas WHERE level = 4").await,
        83_762
    );
    let (name,): (String,) = sqlx::query_as("SELECT name FROM areas WHERE code = $1")
        .bind("14.03")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(name, "Kabupaten Bengkalis");
    assert_eq!(
        count_all(&db, "SELECT COUNT(*) FROM areas WHERE parent = '14.03'").await,
        11
    );
    let holidays = count_all(&db, "SELECT COUNT(*) FROM holidays").await;
    assert_eq!(holidays, 79);
    let (kind,): (String,) = sqlx::query_as("SELECT kind FROM holidays WHERE day = $1")
        .bind("2025-12-25")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(kind, "libur_nasional");

    // A second start applies no migration twice and loads nothing twice.
    let again = Db::connect(&app.database_url).await.unwrap();
    assert_eq!(
        count_all(&again, "SELECT COUNT(*) FROM areas WHERE level = 1").await,
        38
    );
    assert_eq!(count_all(&again, "SELECT COUNT(*) FROM holidays").await, holidays);
}
