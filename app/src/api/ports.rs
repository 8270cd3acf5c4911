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

    /// Checks the code of `attempt`; returns a session token and its lifetime in seconds.
    async fn verify_code(&self, attempt: &str, code: &str) -> Result<(String, i64), crate::api::error::AppError>;

    /// The account a session token belongs to, if the session is live.
    async fn account(
        &self,
        token: &str,
    ) -> Result<Option<crate::api::auth::AccountSummary>, crate::api::error::AppError>;

    /// Ends the session of `token` on the server.
    async fn sign_out(&self, token: &str) -> Result<(), crate::api::error::AppError>;
}

/// How server functions reach the [`SignInPort`].
pub type SignIn = std::sync::Arc<dyn SignInPort>;
