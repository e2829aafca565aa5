//! `POST /logout?scope=` (docs/protocol/gotrue.md §5.11).

use super::{paths, GoTrue};
use crate::backend::SignOutScope;
use crate::http::HttpRequest;

pub fn request(api: &GoTrue, access_token: &str, scope: SignOutScope) -> HttpRequest {
    api.request("POST", &crate::text::cat(&[paths::LOGOUT, "?scope=", scope.as_str()]), Some(access_token), None)
}

#[cfg(test)]
mod tests {
    use crate::api::tests::gotrue;
    use crate::backend::SignOutScope;

    #[test]
    fn scope_in_the_query() {
        assert_eq!(super::request(&gotrue(), "jwt", SignOutScope::Others).url, "http://auth.test/auth/v1/logout?scope=others");
    }
}
