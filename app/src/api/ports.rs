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
