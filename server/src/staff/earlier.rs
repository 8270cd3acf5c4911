//! The other applications that state the same NIK, on the review page: an earlier rejection, a card already
//! issued, or (from before one application in progress per NIK was enforced) a second one in progress. Each shows
//! its registration number, state and dates with the NIK masked; it links to its own page only when it is within
//! the staff member's scope, so an operator learns that it exists without reaching another point's data.

use super::{texts, Signed};
use crate::db::{
    applications::{self, StoreError},
    process::Detail,
    Db,
};
use app::domain::{nik::mask, office::office_date};
use maud::{html, Markup};

/// The section for the application of `detail`, in the staff member's language.
pub async fn section(db: &Db, signed: &Signed, detail: &Detail) -> Result<Markup, StoreError> {
    let t = signed.t();
    let others = applications::same_nik(db, &signed.scope(), &detail.view.id).await?;
    let masked = mask(detail.nik.as_deref().unwrap_or_default());
    Ok(html! {
        h3 id="nik-sama" { (t.same_nik) }
        @if others.is_empty() {
            p { (t.same_nik_none) }
        } @else {
            ul class="same-nik" {
                @for other in &others {
                    @let reference = other.reference.as_deref().unwrap_or("—");
                    li {
                        @if other.in_scope {
                            a class="reference" href={ "/petugas/permohonan/" (other.id) } { (reference) }
                        } @else {
                            span class="reference" { (reference) } " (" (t.same_nik_outside) ")"
                        }
                        " · " (masked)
                        " · " strong { (texts::status(signed.locale, other.status)) }
                        br;
                        span class="field__hint" {
                            (t.submitted) " " (office_date(other.submitted_at))
                            " · " (t.same_nik_since) " " (office_date(other.since))
                        }
                    }
                }
            }
        }
    })
}
