//! The security event log: one structured line per event that matters to whoever watches for attacks, under the
//! target `portal::security` (one JSON object per line with `LOG_FORMAT=json`). Each line names the event, the
//! client's address and, where there is one, an opaque subject (an account id, a staff username, an application
//! id) and a short reason. Never a NIK, a code, a password or a token: callers pass only those opaque values.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A citizen typed a wrong one-time code.
    WrongCode,
    /// A one-time code was used up by wrong tries.
    CodeLocked,
    /// A code request was refused by a rate limit.
    CodeRateLimited,
    /// A staff sign-in was refused (wrong username, password or TOTP code, or a locked account).
    StaffSignInFailed,
    /// A staff account was locked after repeated failures.
    StaffLockout,
    /// An admin unlocked a staff account.
    StaffUnlock,
    /// An admin created or changed a staff account (role, point, disabled).
    StaffAccountChanged,
    /// A request reached for something outside its owner's scope (another account's application, another point's).
    ScopeRefused,
    /// The AFIS link refused a token (sampled).
    AfisTokenRefused,
    /// A cross-site state-changing request was refused.
    CrossSiteRefused,
    /// Every session of an account was ended at its owner's request.
    SessionsRevoked,
    /// A citizen or a staff member signed in (so that a sign-in from an unexpected address can be found).
    SignedIn,
}

impl Event {
    pub fn code(self) -> &'static str {
        match self {
            Event::WrongCode => "wrong_code",
            Event::CodeLocked => "code_locked",
            Event::CodeRateLimited => "code_rate_limited",
            Event::StaffSignInFailed => "staff_sign_in_failed",
            Event::StaffLockout => "staff_lockout",
            Event::StaffUnlock => "staff_unlock",
            Event::StaffAccountChanged => "staff_account_changed",
            Event::ScopeRefused => "scope_refused",
            Event::AfisTokenRefused => "afis_token_refused",
            Event::CrossSiteRefused => "cross_site_refused",
            Event::SessionsRevoked => "sessions_revoked",
            Event::SignedIn => "signed_in",
        }
    }

    /// Events an attacker can produce at will are sampled: at most this many lines a minute, then one line that
    /// says how many were left out.
    fn per_minute(self) -> Option<u32> {
        match self {
            Event::AfisTokenRefused | Event::CrossSiteRefused => Some(20),
            _ => None,
        }
    }
}

/// Writes one line for `event`. `client` is the request's address as the portal believes it (see
/// `http::client`), `subject` an opaque id or a staff username, `reason` a fixed word or two.
pub fn record(event: Event, client: &str, subject: Option<&str>, reason: &str) {
    let Some(skipped) = admit(event) else {
        return;
    };
    tracing::warn!(
        target: "portal::security",
        event = event.code(),
        client,
        subject = subject.unwrap_or(""),
        reason,
        skipped,
        "security event"
    );
}

/// `Some(lines left out since the last one written)` when this line may be written, `None` when it is sampled away.
fn admit(event: Event) -> Option<u64> {
    let Some(limit) = event.per_minute() else {
        return Some(0);
    };
    /// Per event: when its minute began, lines written in it, lines left out since the last one written.
    type Windows = HashMap<Event, (Instant, u32, u64)>;
    static WINDOWS: OnceLock<Mutex<Windows>> = OnceLock::new();
    let mut windows = WINDOWS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let (start, written, skipped) = windows.entry(event).or_insert((now, 0, 0));
    if now.duration_since(*start) >= Duration::from_secs(60) {
        *start = now;
        *written = 0;
    }
    if *written < limit {
        *written += 1;
        Some(std::mem::take(skipped))
    } else {
        *skipped += 1;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampled_events_stop_after_their_limit_and_count_what_was_left_out() {
        let event = Event::AfisTokenRefused;
        let limit = event.per_minute().unwrap();
        let written = (0..limit + 50).filter(|_| admit(event).is_some()).count();
        assert_eq!(written as u32, limit);
        assert_eq!(admit(Event::WrongCode), Some(0), "unsampled events are always written");
    }
}
