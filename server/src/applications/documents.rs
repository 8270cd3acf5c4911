//! The scans: posted as a multipart form (`POST /unggah/{application}`, field `kk_scan` or `kitap_scan`), read
//! back as files (`GET /berkas/{application}/{document}`) by their owner only.
//!
//! A form posted without JavaScript is answered with a redirect to the documents page, any refusal left in the
//! flash cookie as the server functions leave theirs. The page's script asks for JSON and gets the problems (422)
//! or the stored file's description (200).

use crate::{
    auth::{now, tokens::SessionTokens},
    db::{
        applications::{self, DocumentPut, StoredDocument},
        Db,
    },
    documents::{
        inspect::{Inspector, Refusal as Inspection},
        orphans,
        staging::{self, ReceiveError},
        store::DocumentStore,
        MAX_UPLOAD_BYTES,
    },
    http::client::Client,
};
use app::{
    api::{
        applications::{section_page, DocumentInfo},
        auth::SIGN_IN_PAGE,
        error::{AppError, FieldProblem, Limit, Problem, Refusal},
        form::FormState,
        ports::Flash,
    },
    domain::application::{Document, Section},
};
use axum::{
    body::Body,
    extract::{Multipart, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::{path::PathBuf, sync::Arc};

/// The whole request may be a little larger than the file: the multipart framing around it. A larger body is
/// refused before it is read; a file over [`MAX_UPLOAD_BYTES`] inside it is refused as it arrives.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES as usize + 2 * 1024 * 1024;

/// What the upload routes need.
#[derive(Clone)]
pub struct Uploads {
    pub db: Db,
    pub tokens: Arc<SessionTokens>,
    pub store: Arc<DocumentStore>,
    pub inspector: Inspector,
    /// Where files wait while they arrive and are checked; never served.
    pub staging_dir: PathBuf,
    pub secure_cookies: bool,
    /// Seals the flash a refused upload leaves for the documents page (`crate::http::cookies`).
    pub flash: Flash,
}

impl Uploads {
    fn cookies(&self) -> app::api::cookies::CookiePolicy {
        app::api::cookies::CookiePolicy {
            secure: self.secure_cookies,
        }
    }

    /// The account of the request's session cookie.
    async fn account(&self, headers: &HeaderMap) -> Option<String> {
        self.tokens.account_of(&self.db, headers, self.secure_cookies).await
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response()
}

fn refusal_of_receive(error: &ReceiveError) -> Option<Refusal> {
    match error {
        ReceiveError::TooLarge => Some(Refusal::TooLarge),
        ReceiveError::Incomplete => Some(Refusal::Incomplete),
        ReceiveError::Empty => Some(Refusal::Missing),
        ReceiveError::Io(_) => None,
    }
}

fn refusal_of_inspection(error: &Inspection) -> Option<Refusal> {
    match error {
        Inspection::UnknownType => Some(Refusal::Type),
        Inspection::TooManyPixels => Some(Refusal::Pixels),
        Inspection::ImageUnreadable => Some(Refusal::Unreadable),
        Inspection::PdfEncrypted => Some(Refusal::PdfEncrypted),
        Inspection::PdfUnreadable => Some(Refusal::PdfUnreadable),
        Inspection::PdfActive => Some(Refusal::PdfActive),
        Inspection::Io(_) => None,
    }
}

/// Reads what is left of the body (bounded by the route's body limit), so that the sender gets the answer rather
/// than a reset connection: a browser would show a network error, and a balancer still sending the body would
/// answer 502 and count the node as failing.
async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// What went wrong with one upload.
enum Outcome {
    Stored(DocumentInfo),
    Refused(Document, Refusal),
    /// The account sent [`app::domain::application::MAX_UPLOADS_PER_HOUR`] files in the last hour.
    TooMany(Document),
    Failed(String),
    NotEditable,
}

pub async fn upload(
    State(uploads): State<Arc<Uploads>>,
    Path(id): Path<String>,
    Client(client): Client,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let html = wants_html(&headers);
    let Some(account) = uploads.account(&headers).await else {
        drain(&mut multipart).await;
        return if html {
            see_other(SIGN_IN_PAGE)
        } else {
            (StatusCode::UNAUTHORIZED, Json(AppError::Unauthorized)).into_response()
        };
    };
    let view = match applications::get(&uploads.db, &account, &id, app::api::applications::ssr::today()).await {
        Ok(Some(view)) => view,
        Ok(None) => {
            super::port::note_scope_refusal(&uploads.db, &id, Some(&account), &client).await;
            drain(&mut multipart).await;
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(error) => {
            tracing::error!(%error, "could not read the application");
            drain(&mut multipart).await;
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = section_page(&view.id, Section::Documents);
    let outcome = if !view.status.editable() {
        Outcome::NotEditable
    } else {
        receive_one(&uploads, &account, &view.id, view.kind.documents(), &mut multipart).await
    };
    drain(&mut multipart).await;

    let problem = match &outcome {
        Outcome::Stored(info) => {
            tracing::info!(application = %view.id, document = info.document.code(), bytes = info.bytes, "scan stored");
            return if html {
                see_other(&format!("{page}#{}", info.document.code()))
            } else {
                Json(info.clone()).into_response()
            };
        }
        Outcome::Refused(document, refusal) => FieldProblem {
            field: document.code().to_owned(),
            problem: Problem::Upload(*refusal),
        },
        Outcome::TooMany(document) => FieldProblem {
            field: document.code().to_owned(),
            problem: Problem::Limit(Limit::UploadsThisHour),
        },
        Outcome::NotEditable => FieldProblem {
            field: String::new(),
            problem: Problem::NotEditable,
        },
        Outcome::Failed(error) => {
            tracing::error!(%error, application = %view.id, "could not store a scan");
            FieldProblem {
                field: String::new(),
                problem: Problem::Unavailable,
            }
        }
    };
    let status = match outcome {
        Outcome::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        Outcome::Refused(_, Refusal::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
        Outcome::Refused(_, Refusal::Type) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Outcome::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    if html {
        let state = FormState {
            form: "documents".to_owned(),
            values: Vec::new(),
            problems: vec![problem],
        };
        let mut response = see_other(&page);
        crate::http::cookies::set_flash(&mut response, uploads.cookies(), &*uploads.flash, &state);
        response
    } else {
        (status, Json(AppError::Invalid(vec![problem]))).into_response()
    }
}

/// Receives the first file field of the form, checks it and stores it as the current scan of its kind.
async fn receive_one(
    uploads: &Uploads,
    account: &str,
    id: &str,
    wanted: &[Document],
    multipart: &mut Multipart,
) -> Outcome {
    let field = loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                if let Some(document) = field.name().and_then(Document::parse).filter(|d| wanted.contains(d)) {
                    break (document, field);
                }
            }
            Ok(None) => return Outcome::Refused(wanted[0], Refusal::Missing),
            Err(_) => return Outcome::Refused(wanted[0], Refusal::Incomplete),
        }
    };
    let (document, field) = field;
    // Counted before the file is read, whether it is then kept or refused: decoding is the costly part.
    match applications::take_upload_slot(&uploads.db, account, now()).await {
        Ok(true) => {}
        Ok(false) => return Outcome::TooMany(document),
        Err(error) => return Outcome::Failed(error.to_string()),
    }
    let staged = match staging::receive(field, &uploads.staging_dir, MAX_UPLOAD_BYTES).await {
        Ok(staged) => staged,
        Err(error) => {
            return match refusal_of_receive(&error) {
                Some(refusal) => Outcome::Refused(document, refusal),
                None => Outcome::Failed(error.to_string()),
            }
        }
    };
    let prepared = match uploads.inspector.prepare(&staged, &uploads.staging_dir).await {
        Ok(prepared) => prepared,
        Err(error) => {
            return match refusal_of_inspection(&error) {
                Some(refusal) => Outcome::Refused(document, refusal),
                None => Outcome::Failed(error.to_string()),
            }
        }
    };
    let key = DocumentStore::new_key(id, document.code(), prepared.kind.extension());
    // The intent first: a node killed between the object and its row leaves a key the object sweep finds.
    if let Err(error) = orphans::intend_upload(&uploads.db, &key, now()).await {
        return Outcome::Failed(error.to_string());
    }
    if let Err(error) = uploads.store.put_file(&key, &prepared.path).await {
        discard(uploads, &key).await;
        return Outcome::Failed(error.to_string());
    }
    let stored = StoredDocument {
        object_key: key.clone(),
        content_type: prepared.kind.content_type().to_owned(),
        bytes: prepared.bytes as i64,
    };
    match applications::put_document(&uploads.db, account, id, document, &stored, now()).await {
        Ok(DocumentPut::Recorded { replaced }) => {
            // The row points at the new file now; the old one can go (its intent was recorded with the row, so
            // the object sweep deletes it if this does not get to).
            if let Some(old) = replaced {
                if let Err(error) = orphans::remove(&uploads.db, &uploads.store, &old).await {
                    tracing::warn!(%error, "could not delete a replaced scan; the object sweep will");
                }
            }
            Outcome::Stored(DocumentInfo {
                document,
                content_type: stored.content_type,
                bytes: stored.bytes,
            })
        }
        Ok(DocumentPut::IntentGone) => {
            discard(uploads, &key).await;
            Outcome::Failed("the upload outlasted the object sweep's grace period".to_owned())
        }
        Err(error) => {
            discard(uploads, &key).await;
            match error {
                applications::StoreError::NotEditable => Outcome::NotEditable,
                other => Outcome::Failed(other.to_string()),
            }
        }
    }
}

/// Deletes the object of an upload that will not be recorded; what this cannot do, the object sweep does.
async fn discard(uploads: &Uploads, key: &str) {
    if let Err(error) = orphans::discard(&uploads.db, &uploads.store, key).await {
        tracing::warn!(%error, "could not delete the object of a failed upload; the object sweep will");
    }
}

/// A scan, for its owner only: anyone else gets the same 404 as for a scan that does not exist.
pub async fn download(
    State(uploads): State<Arc<Uploads>>,
    Path((id, document)): Path<(String, String)>,
    Client(client): Client,
    headers: HeaderMap,
) -> Response {
    let Some(account) = uploads.account(&headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(document) = Document::parse(&document) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let stored = match applications::document(&uploads.db, &account, &id, document).await {
        Ok(Some(stored)) => stored,
        Ok(None) => {
            super::port::note_scope_refusal(&uploads.db, &id, Some(&account), &client).await;
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(error) => {
            tracing::error!(%error, "could not read a scan's record");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    scan_response(&uploads.store, stored, document, false).await
}

/// A stored scan as a response: streamed, never cached, never run. `staff_frame` lets the staff console show it
/// in a frame of its own pages (a PDF beside the data); citizens' downloads may not be framed at all.
pub(crate) async fn scan_response(
    store: &DocumentStore,
    stored: StoredDocument,
    document: Document,
    staff_frame: bool,
) -> Response {
    let download = match store.get(&stored.object_key).await {
        Ok(download) => download,
        Err(error) => {
            tracing::error!(%error, "could not read a stored scan");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let extension = match stored.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    let disposition = format!("inline; filename=\"{}.{extension}\"", document.code());
    // A scan is a picture or a PDF, never a page: `sandbox` gives it an origin of its own and no scripts, whatever
    // a PDF viewer might try to run. The browser's own viewers still render under it: a picture shown alone is
    // centred with inline style (`style-src`), and Chromium's PDF viewer works in a sandboxed document (checked in
    // Chromium 156, in a frame and alone). Staff see a scan in a frame of their console; a citizen's download may
    // not be framed at all.
    let policy = if staff_frame {
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    } else {
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, stored.content_type)
        .header(header::CONTENT_LENGTH, download.size)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "private, no-store")
        .header(header::CONTENT_SECURITY_POLICY, policy)
        .header(header::X_FRAME_OPTIONS, if staff_frame { "SAMEORIGIN" } else { "DENY" })
        .body(Body::from_stream(download.stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
