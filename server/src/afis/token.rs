//! The AFIS link's bearer tokens: a JWT the central system signs with its Ed25519 private key for each request.
//! The portal holds only the public key. Exactly one algorithm is accepted (EdDSA), so neither `alg: none` nor
//! an HMAC token "signed" with the public key's bytes (the classic key-confusion attack) gets through; a header
//! with `crit` (extensions we would have to understand, RFC 7515 §4.1.11) is refused, and `typ`, when present,
//! must be `JWT`; `iss` and `aud` must be ours, the token must be valid now (a little leeway for clocks), live at most ten minutes, and
//! carry a `jti` that was never used before (checked against the database by the caller, see
//! [`crate::db::afis::use_token`]).

use crate::config::ConfigError;
use ed25519_dalek::{pkcs8::DecodePublicKey, VerifyingKey};
use jsonwebtoken::{decode, errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// The one algorithm the AFIS link accepts.
pub const ALGORITHM: Algorithm = Algorithm::EdDSA;
/// How far the caller's clock may be from ours.
pub const LEEWAY_SECS: i64 = 30;
/// The longest a token may live (`exp - iat`): a stolen token is of little use for long.
pub const MAX_LIFETIME_SECS: i64 = 10 * 60;
/// Appended to the public base URL, the audience tokens must name unless `AFIS_AUDIENCE` says otherwise.
pub const AUDIENCE_PATH: &str = "/api/afis";
/// Longer tokens are refused before any parsing.
const MAX_TOKEN_BYTES: usize = 4096;
const MAX_JTI_CHARS: usize = 128;

/// The AFIS link's configuration: whose tokens are accepted.
#[derive(Clone, Debug)]
pub struct AfisSettings {
    pub public_key: VerifyingKey,
    /// The `iss` tokens must carry; events name the caller `afis:<issuer>`.
    pub issuer: String,
    /// The `aud` tokens must carry.
    pub audience: String,
}

impl AfisSettings {
    /// Reads `AFIS_PUBLIC_KEY` (or `AFIS_PUBLIC_KEY_FILE`), `AFIS_ISSUER` and `AFIS_AUDIENCE` through `get`.
    /// `None` when none is set: the link is then off and answers 503.
    pub fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        public_base_url: &str,
    ) -> Result<Option<AfisSettings>, ConfigError> {
        let invalid = |name: &'static str, reason: &str| ConfigError::Invalid {
            name,
            reason: reason.to_owned(),
        };
        let pem = match (get("AFIS_PUBLIC_KEY"), get("AFIS_PUBLIC_KEY_FILE")) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "AFIS_PUBLIC_KEY",
                    "give the key or a file holding it (AFIS_PUBLIC_KEY_FILE), not both",
                ))
            }
            // An environment variable often cannot hold line breaks: `\n` stands for one.
            (Some(pem), None) => Some(pem.replace("\\n", "\n")),
            (None, Some(path)) => Some(std::fs::read_to_string(&path).map_err(|e| ConfigError::Invalid {
                name: "AFIS_PUBLIC_KEY_FILE",
                reason: format!("cannot read {path}: {e}"),
            })?),
            (None, None) => None,
        };
        let issuer = get("AFIS_ISSUER").map(|i| i.trim().to_owned());
        let (pem, issuer) = match (pem, issuer) {
            (None, None) => return Ok(None),
            (None, Some(_)) => return Err(invalid("AFIS_PUBLIC_KEY", "is needed when AFIS_ISSUER is set")),
            (Some(_), None) => return Err(invalid("AFIS_ISSUER", "is needed when the AFIS public key is set")),
            (Some(pem), Some(issuer)) => (pem, issuer),
        };
        if issuer.is_empty() || issuer.len() > 200 || issuer.chars().any(char::is_control) {
            return Err(invalid("AFIS_ISSUER", "must be 1 to 200 printable characters"));
        }
        let public_key = VerifyingKey::from_public_key_pem(pem.trim()).map_err(|_| {
            invalid(
                "AFIS_PUBLIC_KEY",
                "is not an Ed25519 public key in PEM (BEGIN PUBLIC KEY)",
            )
        })?;
        if public_key.is_weak() {
            return Err(invalid("AFIS_PUBLIC_KEY", "is a weak Ed25519 key"));
        }
        let audience = get("AFIS_AUDIENCE")
            .map(|a| a.trim().to_owned())
            .unwrap_or_else(|| format!("{public_base_url}{AUDIENCE_PATH}"));
        Ok(Some(AfisSettings {
            public_key,
            issuer,
            audience,
        }))
    }
}

/// Why a token was refused. Every one is a 401; the message tells the caller's engineers what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no bearer token in the Authorization header")]
    Missing,
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token's algorithm is not EdDSA")]
    WrongAlgorithm,
    #[error("the token's header has a crit parameter: no extension is understood here")]
    CriticalHeader,
    #[error("the token's typ is not JWT")]
    WrongType,
    #[error("the token's signature does not verify with the configured public key")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token has no iat")]
    NoIssuedAt,
    #[error("the token was issued in the future")]
    IssuedInFuture,
    #[error("the token lives longer than {MAX_LIFETIME_SECS} seconds")]
    TooLong,
    #[error("the token's audience is not this portal's AFIS link")]
    WrongAudience,
    #[error("the token's issuer is not the configured AFIS issuer")]
    WrongIssuer,
    #[error("the token has no jti (or one longer than {MAX_JTI_CHARS} characters)")]
    NoJti,
    #[error("the token's jti was used before: sign a new token for each request")]
    Replayed,
}

impl Refusal {
    /// A short fixed code for the security log.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Missing => "missing",
            Refusal::Malformed => "malformed",
            Refusal::WrongAlgorithm => "wrong_algorithm",
            Refusal::CriticalHeader => "crit_header",
            Refusal::WrongType => "wrong_typ",
            Refusal::BadSignature => "bad_signature",
            Refusal::Expired => "expired",
            Refusal::NotYetValid => "not_yet_valid",
            Refusal::NoIssuedAt => "no_iat",
            Refusal::IssuedInFuture => "issued_in_future",
            Refusal::TooLong => "too_long",
            Refusal::WrongAudience => "wrong_audience",
            Refusal::WrongIssuer => "wrong_issuer",
            Refusal::NoJti => "no_jti",
            Refusal::Replayed => "replayed",
        }
    }
}

/// The checks of the header that `jsonwebtoken` leaves out: no `crit` at all (whatever it lists, we understand
/// none of it, so RFC 7515 says refuse), and `typ`, if there, `JWT` in any case.
fn check_header(token: &str) -> Result<(), Refusal> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let encoded = token.split('.').next().unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| Refusal::Malformed)?;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|_| Refusal::Malformed)?;
    if header.contains_key("crit") {
        return Err(Refusal::CriticalHeader);
    }
    match header.get("typ") {
        None => Ok(()),
        Some(serde_json::Value::String(typ)) if typ.eq_ignore_ascii_case("JWT") => Ok(()),
        Some(_) => Err(Refusal::WrongType),
    }
}

impl From<jsonwebtoken::errors::Error> for Refusal {
    fn from(error: jsonwebtoken::errors::Error) -> Refusal {
        match error.kind() {
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => Refusal::WrongAlgorithm,
            ErrorKind::InvalidSignature | ErrorKind::InvalidEddsaKey => Refusal::BadSignature,
            ErrorKind::ExpiredSignature => Refusal::Expired,
            ErrorKind::ImmatureSignature => Refusal::NotYetValid,
            ErrorKind::InvalidAudience => Refusal::WrongAudience,
            ErrorKind::InvalidIssuer => Refusal::WrongIssuer,
            _ => Refusal::Malformed,
        }
    }
}

/// The claims the portal checks itself; `jsonwebtoken` checks the signature, the algorithm, `aud` and `iss`.
#[derive(Deserialize)]
struct Claims {
    iss: String,
    exp: i64,
    iat: Option<i64>,
    nbf: Option<i64>,
    jti: Option<String>,
}

/// A token whose signature and claims passed; its `jti` is still to be recorded as used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub issuer: String,
    pub jti: String,
    /// Until when the `jti` must be remembered: after this the token is refused as expired anyway.
    pub remember_until: i64,
}

pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl Verifier {
    pub fn new(settings: &AfisSettings) -> Verifier {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_audience(&[&settings.audience]);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        // The times are checked below against the `now` the caller passes: one clock, and testable.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Verifier {
            key: DecodingKey::from_ed_der(settings.public_key.as_bytes()),
            validation,
        }
    }

    /// Checks everything but the replay; `now` in seconds since the epoch.
    pub fn check(&self, token: &str, now: i64) -> Result<Accepted, Refusal> {
        if token.is_empty() || token.len() > MAX_TOKEN_BYTES {
            return Err(Refusal::Malformed);
        }
        check_header(token)?;
        let claims = decode::<Claims>(token, &self.key, &self.validation)?.claims;
        if claims.exp < now - LEEWAY_SECS {
            return Err(Refusal::Expired);
        }
        if claims.nbf.is_some_and(|nbf| nbf > now + LEEWAY_SECS) {
            return Err(Refusal::NotYetValid);
        }
        let iat = claims.iat.ok_or(Refusal::NoIssuedAt)?;
        if iat > now + LEEWAY_SECS {
            return Err(Refusal::IssuedInFuture);
        }
        if claims.exp.saturating_sub(iat) > MAX_LIFETIME_SECS {
            return Err(Refusal::TooLong);
        }
        let jti = claims
            .jti
            .filter(|j| !j.trim().is_empty() && j.chars().count() <= MAX_JTI_CHARS)
            .ok_or(Refusal::NoJti)?;
        Ok(Accepted {
            issuer: claims.iss,
            jti,
            remember_until: claims.exp + LEEWAY_SECS,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use ed25519_dalek::{
        pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey},
        SigningKey,
    };
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::json;

    const NOW: i64 = 1_780_000_000;
    const ISSUER: &str = "kemendagri-afis";
    const AUDIENCE: &str = "https://ktp.example.go.id/api/afis";

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn settings() -> AfisSettings {
        let pem = key(7).verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
        let vars = [("AFIS_PUBLIC_KEY", pem), ("AFIS_ISSUER", ISSUER.to_owned())];
        AfisSettings::from_lookup(
            &|k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()),
            "https://ktp.example.go.id",
        )
        .unwrap()
        .unwrap()
    }

    fn claims() -> serde_json::Value {
        json!({ "iss": ISSUER, "aud": AUDIENCE, "iat": NOW, "exp": NOW + 300, "jti": "t-1" })
    }

    fn signed(claims: &serde_json::Value, seed: u8) -> String {
        let der = key(seed).to_pkcs8_der().unwrap();
        encode(
            &Header::new(Algorithm::EdDSA),
            claims,
            &EncodingKey::from_ed_der(der.as_bytes()),
        )
        .unwrap()
    }

    fn check(token: &str) -> Result<Accepted, Refusal> {
        Verifier::new(&settings()).check(token, NOW)
    }

    fn with(change: impl Fn(&mut serde_json::Map<String, serde_json::Value>)) -> serde_json::Value {
        let mut c = claims();
        change(c.as_object_mut().unwrap());
        c
    }

    #[test]
    fn a_well_signed_token_is_accepted() {
        assert_eq!(
            check(&signed(&claims(), 7)),
            Ok(Accepted {
                issuer: ISSUER.into(),
                jti: "t-1".into(),
                remember_until: NOW + 300 + LEEWAY_SECS
            })
        );
        // An audience list naming us is fine too.
        let listed = with(|c| {
            c.insert("aud".into(), json!(["other", AUDIENCE]));
        });
        assert!(check(&signed(&listed, 7)).is_ok());
    }

    #[test]
    fn every_forgery_and_misuse_is_refused() {
        assert_eq!(check(&signed(&claims(), 8)), Err(Refusal::BadSignature));
        // alg none: no signature at all.
        let body = URL_SAFE_NO_PAD.encode(claims().to_string());
        for header in [r#"{"alg":"none","typ":"JWT"}"#, r#"{"alg":"None"}"#] {
            let token = format!("{}.{body}.", URL_SAFE_NO_PAD.encode(header));
            assert!(check(&token).is_err(), "{header}");
        }
        // HS256 with the public key's bytes (PEM and raw) as the secret.
        let pem = key(7).verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
        let raw = key(7).verifying_key().to_bytes();
        for secret in [pem.as_bytes(), &raw[..]] {
            let token = encode(
                &Header::new(Algorithm::HS256),
                &claims(),
                &EncodingKey::from_secret(secret),
            )
            .unwrap();
            assert_eq!(check(&token), Err(Refusal::WrongAlgorithm));
        }
        let cases: [(serde_json::Value, Refusal); 9] = [
            (
                with(|c| {
                    c.insert("exp".into(), json!(NOW - 60));
                    c.insert("iat".into(), json!(NOW - 120));
                }),
                Refusal::Expired,
            ),
            (
                with(|c| {
                    c.insert("nbf".into(), json!(NOW + 120));
                }),
                Refusal::NotYetValid,
            ),
            (
                with(|c| {
                    c.insert("iat".into(), json!(NOW + 120));
                    c.insert("exp".into(), json!(NOW + 300));
                }),
                Refusal::IssuedInFuture,
            ),
            (
                with(|c| {
                    c.remove("iat");
                }),
                Refusal::NoIssuedAt,
            ),
            (
                with(|c| {
                    c.insert("exp".into(), json!(NOW + MAX_LIFETIME_SECS + 1));
                }),
                Refusal::TooLong,
            ),
            (
                with(|c| {
                    c.insert("aud".into(), json!("https://ktp.example.go.id/api/other"));
                }),
                Refusal::WrongAudience,
            ),
            (
                with(|c| {
                    c.insert("iss".into(), json!("someone-else"));
                }),
                Refusal::WrongIssuer,
            ),
            (
                with(|c| {
                    c.remove("jti");
                }),
                Refusal::NoJti,
            ),
            (
                with(|c| {
                    c.insert("jti".into(), json!("  "));
                }),
                Refusal::NoJti,
            ),
        ];
        for (claims, refusal) in cases {
            assert_eq!(check(&signed(&claims, 7)), Err(refusal), "{claims}");
        }
        // The header: no crit, whatever it says; typ JWT in any case, or none.
        let header = |change: &dyn Fn(&mut Header)| {
            let mut header = Header::new(Algorithm::EdDSA);
            change(&mut header);
            let der = key(7).to_pkcs8_der().unwrap();
            encode(&header, &claims(), &EncodingKey::from_ed_der(der.as_bytes())).unwrap()
        };
        assert_eq!(
            check(&header(&|h| h.crit = Some(vec!["exp".into()]))),
            Err(Refusal::CriticalHeader)
        );
        assert_eq!(check(&header(&|h| h.crit = Some(vec![]))), Err(Refusal::CriticalHeader));
        assert_eq!(
            check(&header(&|h| h.typ = Some("at+jwt".into()))),
            Err(Refusal::WrongType)
        );
        assert!(check(&header(&|h| h.typ = Some("jwt".into()))).is_ok());
        assert!(check(&header(&|h| h.typ = None)).is_ok());
        assert_eq!(check("!!!.e30.c2ln"), Err(Refusal::Malformed));
        assert_eq!(check(""), Err(Refusal::Malformed));
        assert_eq!(check("a.b.c"), Err(Refusal::Malformed));
        assert_eq!(check(&"x".repeat(5000)), Err(Refusal::Malformed));
    }

    #[test]
    fn settings_need_a_key_and_an_issuer_together() {
        let pem = key(7).verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
        let read = |vars: &[(&str, &str)]| {
            AfisSettings::from_lookup(
                &|k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()),
                "http://127.0.0.1:3000",
            )
        };
        assert!(read(&[]).unwrap().is_none());
        assert!(read(&[("AFIS_ISSUER", "x")]).is_err());
        assert!(read(&[("AFIS_PUBLIC_KEY", &pem)]).is_err());
        assert!(read(&[("AFIS_PUBLIC_KEY", "not a key"), ("AFIS_ISSUER", "x")]).is_err());
        let private = key(7).to_pkcs8_pem(LineEnding::LF).unwrap();
        assert!(
            read(&[("AFIS_PUBLIC_KEY", &private), ("AFIS_ISSUER", "x")]).is_err(),
            "a private key is not a public key"
        );
        let escaped = pem.trim().replace('\n', "\\n");
        let settings = read(&[("AFIS_PUBLIC_KEY", &escaped), ("AFIS_ISSUER", " x ")])
            .unwrap()
            .unwrap();
        assert_eq!(settings.issuer, "x");
        assert_eq!(settings.audience, "http://127.0.0.1:3000/api/afis");
        let settings = read(&[
            ("AFIS_PUBLIC_KEY", &pem),
            ("AFIS_ISSUER", "x"),
            ("AFIS_AUDIENCE", "urn:portal-ktp:afis"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(settings.audience, "urn:portal-ktp:afis");
    }
}
