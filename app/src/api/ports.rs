//! What the server provides to server functions through context.

/// Site-wide settings the server functions need.
#[derive(Clone, Debug)]
pub struct SiteSettings {
    /// Whether cookies get the `Secure` attribute: true whenever the public base URL is https.
    pub secure_cookies: bool,
}

/// The URLs of the built assets, whose file names carry a content hash.
#[derive(Clone, Debug)]
pub struct AssetUrls {
    pub stylesheet: String,
}

/// The address a request came from, put into the request's extensions by the server.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Signing citizens in and out. Implemented by the server (`server/src/auth/port.rs`).
#[async_trait::async_trait]
pub trait SignInPort: Send + Sync {
    /// Sends a one-time code to `identifier` and returns the attempt it belongs to.
    async fn request_code(
        &self,
        identifier: &crate::domain::identifier::Identifier,
        client: &str,
        locale: crate::i18n::Locale,
    ) -> Result<String, crate::api::error::AppError>;

    /// Checks the code of `attempt`; returns a session token and its lifetime in seconds. The account's messages
    /// are written in `locale` from then on.
    async fn verify_code(
        &self,
        attempt: &str,
        code: &str,
        locale: crate::i18n::Locale,
    ) -> Result<(String, i64), crate::api::error::AppError>;

    /// The account a session token belongs to, if the session is live.
    async fn account(
        &self,
        token: &str,
    ) -> Result<Option<crate::api::auth::AccountSummary>, crate::api::error::AppError>;

    /// Ends the session of `token` on the server.
    async fn sign_out(&self, token: &str) -> Result<(), crate::api::error::AppError>;

    /// Ends every session of the account `token` belongs to, on every device, this one included; `false` when
    /// `token` is no live session (nothing is ended). `client` is the request's address, for the security log.
    async fn sign_out_everywhere(&self, token: &str, client: &str) -> Result<bool, crate::api::error::AppError>;
}

/// How server functions reach the [`SignInPort`].
pub type SignIn = std::sync::Arc<dyn SignInPort>;

/// Keeping applications. Implemented by the server (`server/src/applications/port.rs`). Every method takes the
/// account the session belongs to and reaches only that account's applications: another account's application
/// is simply not found.
#[async_trait::async_trait]
pub trait ApplicationsPort: Send + Sync {
    /// The account of a live session token.
    async fn account_id(&self, token: &str) -> Result<Option<String>, crate::api::error::AppError>;

    async fn list(
        &self,
        account: &str,
    ) -> Result<Vec<crate::api::applications::ApplicationSummary>, crate::api::error::AppError>;

    /// Starts a draft; returns its id.
    async fn start(
        &self,
        account: &str,
        kind: crate::domain::application::Kind,
    ) -> Result<String, crate::api::error::AppError>;

    async fn get(
        &self,
        account: &str,
        id: &str,
    ) -> Result<Option<crate::api::applications::ApplicationView>, crate::api::error::AppError>;

    /// Replaces the answers of `section` with `values` (fields of the section absent from `values` are cleared),
    /// if the application is still editable.
    async fn save_section(
        &self,
        account: &str,
        id: &str,
        section: crate::domain::application::Section,
        values: crate::domain::application::Answers,
    ) -> Result<(), crate::api::error::AppError>;

    /// Sends an editable application to the office; returns its registration number.
    async fn submit(&self, account: &str, id: &str) -> Result<String, crate::api::error::AppError>;

    /// Files a complaint about a submitted application of the account.
    async fn file_complaint(&self, account: &str, id: &str, text: &str) -> Result<(), crate::api::error::AppError>;

    /// Closes an answered complaint about an application of the account.
    async fn close_complaint(
        &self,
        account: &str,
        id: &str,
        complaint: &str,
    ) -> Result<(), crate::api::error::AppError>;

    /// The areas directly under `parent` (`None`: the provinces), sorted by name.
    async fn areas(
        &self,
        parent: Option<&str>,
    ) -> Result<Vec<crate::api::applications::Area>, crate::api::error::AppError>;
}

/// How server functions reach the [`ApplicationsPort`].
pub type Applications = std::sync::Arc<dyn ApplicationsPort>;

/// Booking the biometric-recording appointment. Implemented by the server (`server/src/booking/port.rs`). Like
/// [`ApplicationsPort`], every method reaches only the account's own applications.
#[async_trait::async_trait]
pub trait BookingsPort: Send + Sync {
    /// The booking page of application `id`: its booking, the points it may choose, and for `point` the days
    /// with places left, and for `day` the times. `None` when the application is not the account's.
    async fn page(
        &self,
        account: &str,
        id: &str,
        point: Option<&str>,
        day: Option<crate::domain::Date>,
    ) -> Result<Option<crate::api::bookings::BookingPage>, crate::api::error::AppError>;

    /// Books `point` on `day` at `time`, or moves the active booking `replaces` there.
    async fn book(
        &self,
        account: &str,
        id: &str,
        point: &str,
        day: crate::domain::Date,
        time: crate::domain::booking::ClockTime,
        replaces: Option<&str>,
    ) -> Result<(), crate::api::error::AppError>;

    /// Cancels the active booking `booking`.
    async fn cancel(&self, account: &str, id: &str, booking: &str) -> Result<(), crate::api::error::AppError>;
}

/// How server functions reach the [`BookingsPort`].
pub type Bookings = std::sync::Arc<dyn BookingsPort>;

/// Sealing the flash cookie (`crate::api::form`): what a refused form leaves for the next page is encrypted and
/// authenticated, so the browser holds nothing it can read or change. Implemented by the server
/// (`server/src/http/cookies.rs`).
pub trait FlashSeal: Send + Sync {
    /// `plain`, sealed for the cookie called `cookie`, as a cookie value (URL-safe base64 without padding).
    fn seal(&self, cookie: &str, plain: &[u8]) -> String;

    /// What [`FlashSeal::seal`] sealed for the cookie `cookie`; `None` for anything tampered with, sealed with
    /// another key or for another cookie, or too old.
    fn open(&self, cookie: &str, sealed: &str) -> Option<Vec<u8>>;
}

/// How server functions reach the [`FlashSeal`].
pub type Flash = std::sync::Arc<dyn FlashSeal>;
