//! The sign-in core: one-time codes and session tokens, against the real database.

use crate::helpers::*;
use base64::Engine;
use secrecy::SecretBox;
use server::{
    auth::{
        accounts, codes,
        codes::CodeError,
        now,
        tokens::{SessionTokens, TokenError, CITIZEN_AUDIENCE},
    },
    db::Db,
    keys::Key,
};

fn key(byte: u8) -> Key {
    SecretBox::new(Box::new(vec![byte; 32]))
}

async fn database() -> (TestApp, Db) {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    (app, db)
}

#[tokio::test]
async fn a_code_signs_in_once_and_is_stored_only_hashed() {
    let (_app, db) = database().await;
    let k = key(1);
    let t = now();
    let issued = codes::issue(&db, &k, "budi@example.com", "client-a", t).await.unwrap();
    assert_eq!(issued.code.len(), 6);
    let (stored,): (String,) = sqlx::query_as("SELECT code_hash FROM sign_in_codes WHERE id = $1")
        .bind(&issued.attempt)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!stored.contains(&issued.code));
    let identifier = codes::verify(&db, &k, &issued.attempt, &issued.code, t + 5)
        .await
        .unwrap();
    assert_eq!(identifier, "budi@example.com");
    assert!(matches!(
        codes::verify(&db, &k, &issued.attempt, &issued.code, t + 6).await,
        Err(CodeError::Expired)
    ));
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let (_app, db) = database().await;
    let k = key(1);
    let t = now();
    let issued = codes::issue(&db, &k, "+6281234567890", "client-a", t).await.unwrap();
    let late = codes::verify(&db, &k, &issued.attempt, &issued.code, t + codes::CODE_TTL_SECS).await;
    assert!(matches!(late, Err(CodeError::Expired)));
    assert!(matches!(
        codes::verify(&db, &k, "no-such-attempt", "123456", t).await,
        Err(CodeError::Expired)
    ));
}

#[tokio::test]
async fn five_wrong_codes_end_the_attempt() {
    let (_app, db) = database().await;
    let k = key(1);
    let t = now();
    let issued = codes::issue(&db, &k, "siti@example.com", "client-a", t).await.unwrap();
    let wrong = if issued.code == "000000" { "111111" } else { "000000" };
    for left in (1..codes::MAX_FAILED_TRIES).rev() {
        match codes::verify(&db, &k, &issued.attempt, wrong, t).await {
            Err(CodeError::Wrong { tries_left }) => assert_eq!(tries_left, left),
            other => panic!("expected a wrong-code answer, got {other:?}"),
        }
    }
    assert!(matches!(
        codes::verify(&db, &k, &issued.attempt, wrong, t).await,
        Err(CodeError::TooManyTries)
    ));
    // Even the right code no longer works.
    assert!(matches!(
        codes::verify(&db, &k, &issued.attempt, &issued.code, t).await,
        Err(CodeError::TooManyTries)
    ));
}

#[tokio::test]
async fn codes_are_rate_limited_per_identifier_and_per_client() {
    let (_app, db) = database().await;
    let k = key(1);
    let t = now();
    for _ in 0..codes::PER_IDENTIFIER {
        codes::issue(&db, &k, "ani@example.com", "client-a", t).await.unwrap();
    }
    assert!(matches!(
        codes::issue(&db, &k, "ani@example.com", "client-b", t).await,
        Err(CodeError::RateLimited)
    ));
    // Once the window has passed, a new code can be had.
    assert!(
        codes::issue(&db, &k, "ani@example.com", "client-b", t + codes::RATE_WINDOW_SECS + 1)
            .await
            .is_ok()
    );

    for i in 0..codes::PER_CLIENT - codes::PER_IDENTIFIER {
        codes::issue(&db, &k, &format!("person{i}@example.com"), "client-a", t)
            .await
            .unwrap();
    }
    assert!(matches!(
        codes::issue(&db, &k, "new@example.com", "client-a", t).await,
        Err(CodeError::RateLimited)
    ));
    assert!(codes::issue(&db, &k, "new@example.com", "client-c", t).await.is_ok());
}

#[tokio::test]
async fn two_requests_with_the_right_code_sign_in_once() {
    let (_app, db) = database().await;
    let k = key(1);
    let t = now();
    let issued = codes::issue(&db, &k, "race@example.com", "client-a", t).await.unwrap();
    let (a, b) = tokio::join!(
        codes::verify(&db, &k, &issued.attempt, &issued.code, t),
        codes::verify(&db, &k, &issued.attempt, &issued.code, t)
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1);
}

#[tokio::test]
async fn sessions_carry_no_personal_data_and_end_on_sign_out() {
    let (_app, db) = database().await;
    let k = key(7);
    let tokens = SessionTokens::new(&k, "http://127.0.0.1:3000", CITIZEN_AUDIENCE, 3600);
    let account = accounts::find_or_create(&db, "budi@example.com", app::i18n::Locale::Id, now())
        .await
        .unwrap();
    assert_eq!(
        accounts::find_or_create(&db, "budi@example.com", app::i18n::Locale::Id, now())
            .await
            .unwrap(),
        account
    );

    let token = tokens.start(&db, &account, now()).await.unwrap();
    let payload = token.split('.').nth(1).unwrap();
    let payload = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert!(!payload.contains("budi"), "the token holds no identifier: {payload}");
    let claims = tokens.authenticate(&db, &token).await.unwrap();
    assert_eq!(claims.sub, account);

    tokens.revoke(&db, &claims.jti, now()).await.unwrap();
    assert!(matches!(
        tokens.authenticate(&db, &token).await,
        Err(TokenError::Revoked)
    ));
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_refused() {
    let (_app, db) = database().await;
    let k = key(7);
    let tokens = SessionTokens::new(&k, "http://127.0.0.1:3000", CITIZEN_AUDIENCE, 3600);
    let account = accounts::find_or_create(&db, "siti@example.com", app::i18n::Locale::Id, now())
        .await
        .unwrap();
    let good = tokens.start(&db, &account, now()).await.unwrap();

    // Signed with another key.
    let other = SessionTokens::new(&key(8), "http://127.0.0.1:3000", CITIZEN_AUDIENCE, 3600);
    let forged = other.start(&db, &account, now()).await.unwrap();
    assert!(matches!(
        tokens.authenticate(&db, &forged).await,
        Err(TokenError::Invalid(_))
    ));

    // Another audience (a staff token) or issuer.
    let staff = SessionTokens::new(&k, "http://127.0.0.1:3000", "portal-staff", 3600);
    let staff_token = staff.start(&db, &account, now()).await.unwrap();
    assert!(matches!(
        tokens.authenticate(&db, &staff_token).await,
        Err(TokenError::Invalid(_))
    ));
    let elsewhere = SessionTokens::new(&k, "https://evil.example", CITIZEN_AUDIENCE, 3600);
    let elsewhere_token = elsewhere.start(&db, &account, now()).await.unwrap();
    assert!(matches!(
        tokens.authenticate(&db, &elsewhere_token).await,
        Err(TokenError::Invalid(_))
    ));

    // Expired.
    let expired = tokens.start(&db, &account, now() - 7200).await.unwrap();
    assert!(matches!(
        tokens.authenticate(&db, &expired).await,
        Err(TokenError::Invalid(_))
    ));

    // `alg: none`, and a tampered payload.
    let parts: Vec<&str> = good.split('.').collect();
    let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{none_header}.{}.", parts[1]);
    assert!(tokens.authenticate(&db, &unsigned).await.is_err());
    let tampered = format!("{}.{}x.{}", parts[0], parts[1], parts[2]);
    assert!(tokens.authenticate(&db, &tampered).await.is_err());
    assert!(tokens.authenticate(&db, &good).await.is_ok());
}
