//! Where to send a browser back to after a form without JavaScript (the language switch, later sign-in):
//! only a path on this site, never another host, so the portal cannot be used as an open redirect.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// Accepts an absolute path on this site (`/…`, with an optional query); anything else — another host,
    /// a scheme, a protocol-relative `//host`, a backslash trick, control characters — becomes `/`.
    pub fn parse(input: &str) -> LocalPath {
        let ok = input.starts_with('/')
            && !input.starts_with("//")
            && !input.contains('\\')
            && input.len() <= 2048
            && !input.chars().any(|c| c.is_control() || c.is_whitespace());
        if ok {
            LocalPath(input.to_owned())
        } else {
            LocalPath("/".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::LocalPath;

    #[test]
    fn keeps_paths_on_this_site() {
        assert_eq!(LocalPath::parse("/").as_str(), "/");
        assert_eq!(LocalPath::parse("/lacak?no=1").as_str(), "/lacak?no=1");
    }

    #[test]
    fn refuses_anything_that_leaves_the_site() {
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil",
            "/a b",
            "/a\nLocation: x",
        ] {
            assert_eq!(LocalPath::parse(bad).as_str(), "/", "{bad:?}");
        }
    }
}
