//! All configuration in one place: GoTrue's own environment variable names, GoTrue's defaults
//! unless noted (see README, "Configuration"), plus the command-line flags.

use std::path::PathBuf;
use std::time::Duration;

/// The well-known secret of `supabase start`; a local server only, never production.
pub const DEFAULT_JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";

/// GoTrue's bcrypt limit (`MaxPasswordLength`).
pub const MAX_PASSWORD_BYTES: usize = 72;

/// GoTrue caps request bodies at 1 MiB (`limitRequestBody(1 << 20)`).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Everything the server's behaviour depends on.
#[derive(Clone)]
pub struct Config {
    pub jwt_secret: String,
    /// Access-token lifetime in seconds (`GOTRUE_JWT_EXP`).
    pub jwt_exp: i64,
    pub jwt_aud: String,
    pub jwt_issuer: String,
    pub jwt_admin_roles: Vec<String>,
    pub password_min_length: usize,
    /// Character sets of which the password needs one character each.
    pub password_required_characters: Vec<String>,
    /// Validity of emailed codes, links and nonces, in seconds.
    pub mailer_otp_exp: i64,
    pub mailer_otp_length: usize,
    pub mailer_autoconfirm: bool,
    /// Per-user minimum interval between emails of one kind.
    pub smtp_max_frequency: Duration,
    /// Process-wide email budget per hour; not applied when autoconfirm is on (as GoTrue).
    pub rate_limit_email_sent: u32,
    pub site_url: String,
    pub uri_allow_list: Vec<String>,
    /// Base URL written into email links.
    pub api_external_url: String,
    pub disable_signup: bool,
    /// Email changes are confirmed from both addresses (`GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED`).
    pub secure_email_change_enabled: bool,
    pub require_reauthentication: bool,
    pub require_current_password: bool,
    /// Sessions older than this need a nonce to change the password (GoTrue hard-codes 24 h;
    /// `AUTH_DEVSERVER_REAUTHENTICATION_AFTER` lets tests require it at once).
    pub reauthentication_session_age: Duration,
    pub refresh_token_rotation_enabled: bool,
    /// Seconds during which a revoked refresh token may still be swapped.
    pub refresh_token_reuse_interval: i64,
    pub flow_state_expiry: Duration,
    /// bcrypt work factor: GoTrue uses bcrypt's default (10); tests may lower it.
    pub bcrypt_cost: u32,
    /// Failed verifications a client (IP, or `GOTRUE_RATE_LIMIT_HEADER`) may make per five
    /// minutes before `/verify` answers 429 (`GOTRUE_RATE_LIMIT_VERIFY`).
    pub rate_limit_verify: u32,
    /// Failed sign-ins a client may make per five minutes, on every platform's sign-in route,
    /// before they answer 429 (`AUTH_DEVSERVER_RATE_LIMIT_SIGN_IN`, devserver only).
    pub rate_limit_sign_in: u32,
    /// Mails the outbox keeps; the oldest go first (`AUTH_DEVSERVER_OUTBOX_MAX`, devserver only).
    pub outbox_max: u32,
    /// The header that names the client for per-IP limits, behind a proxy.
    pub rate_limit_header: Option<String>,
    /// Wrong codes for one user after which the outstanding code is void (devserver only).
    pub verify_max_failures: u32,
    /// `/_dev/` aids on (default) or off (`--no-dev-endpoints`, `AUTH_DEVSERVER_DEV_ENDPOINTS=false`).
    pub dev_endpoints: bool,
    /// Host names requests may carry (DNS-rebinding defence); empty list = loopback names only,
    /// `*` = any. The bound address and `API_EXTERNAL_URL`'s host are always allowed.
    pub allowed_hosts: Vec<String>,
    /// True when `GOTRUE_JWT_SECRET` was not set and the public `supabase start` secret is used.
    pub jwt_secret_is_default: bool,
    /// The address the server listens on (`--host`); allowed as a `Host` name.
    pub bind_host: String,
}

/// Upper bound for any configured lifetime or interval: ten years. Keeps every sum with a
/// timestamp in milliseconds far from overflow.
pub const MAX_CONFIG_SECONDS: i64 = 10 * 365 * 86_400;

impl Config {
    /// Reads the configuration through `lookup` (the process environment in `main`, a map in
    /// tests). `port` fills the defaults that name this server's own address.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>, port: u16) -> Result<Self, String> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let own_url = format!("http://127.0.0.1:{port}");
        // Every number is capped: no setting can push a time computation into overflow.
        let int = |name: &str, default: i64| -> Result<i64, String> {
            get(name).map_or(Ok(default), |v| {
                v.trim()
                    .parse::<i64>()
                    .map(|n| n.clamp(-MAX_CONFIG_SECONDS, MAX_CONFIG_SECONDS))
                    .map_err(|_| format!("{name}: expected an integer, got {v:?}"))
            })
        };
        let boolean = |name: &str, default: bool| -> Result<bool, String> {
            get(name).map_or(Ok(default), |v| parse_bool(&v).ok_or(format!("{name}: expected true or false, got {v:?}")))
        };
        let duration = |name: &str, default: Duration| -> Result<Duration, String> {
            get(name).map_or(Ok(default), |v| parse_duration(&v).ok_or(format!("{name}: expected a duration such as 60s or 1m, got {v:?}")))
        };

        let jwt_secret_is_default = get("GOTRUE_JWT_SECRET").is_none();
        let jwt_secret = get("GOTRUE_JWT_SECRET").unwrap_or_else(|| DEFAULT_JWT_SECRET.to_string());
        if jwt_secret.len() < 32 {
            return Err("GOTRUE_JWT_SECRET: must be at least 32 characters".into());
        }
        let otp_length = int("GOTRUE_MAILER_OTP_LENGTH", 6)?;
        Ok(Config {
            jwt_secret,
            jwt_exp: int("GOTRUE_JWT_EXP", 3600)?.max(1),
            jwt_aud: get("GOTRUE_JWT_AUD").unwrap_or_else(|| "authenticated".into()),
            jwt_issuer: get("GOTRUE_JWT_ISSUER").unwrap_or_else(|| format!("{own_url}/auth/v1")),
            jwt_admin_roles: get("GOTRUE_JWT_ADMIN_ROLES")
                .map(|v| split_list(&v))
                .unwrap_or_else(|| vec!["service_role".into(), "supabase_admin".into()]),
            // GoTrue raises values below 6 to 6.
            password_min_length: int("GOTRUE_PASSWORD_MIN_LENGTH", 6)?.max(6) as usize,
            password_required_characters: get("GOTRUE_PASSWORD_REQUIRED_CHARACTERS")
                .map(|v| split_character_sets(&v))
                .unwrap_or_default(),
            mailer_otp_exp: int("GOTRUE_MAILER_OTP_EXP", 86_400)?.max(1),
            // GoTrue resets lengths outside 6..=10 to 6.
            mailer_otp_length: if (6..=10).contains(&otp_length) { otp_length as usize } else { 6 },
            mailer_autoconfirm: boolean("GOTRUE_MAILER_AUTOCONFIRM", true)?,
            smtp_max_frequency: duration("GOTRUE_SMTP_MAX_FREQUENCY", Duration::from_secs(60))?,
            rate_limit_email_sent: int("GOTRUE_RATE_LIMIT_EMAIL_SENT", 30)?.max(0) as u32,
            site_url: get("GOTRUE_SITE_URL").unwrap_or_else(|| own_url.clone()),
            uri_allow_list: get("GOTRUE_URI_ALLOW_LIST").map(|v| split_list(&v)).unwrap_or_default(),
            api_external_url: get("API_EXTERNAL_URL")
                .or_else(|| get("GOTRUE_API_EXTERNAL_URL"))
                .unwrap_or(own_url)
                .trim_end_matches('/')
                .to_string(),
            disable_signup: boolean("GOTRUE_DISABLE_SIGNUP", false)?,
            secure_email_change_enabled: boolean("GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED", true)?,
            require_reauthentication: boolean("GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION", false)?,
            require_current_password: boolean("GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD", false)?,
            reauthentication_session_age: duration("AUTH_DEVSERVER_REAUTHENTICATION_AFTER", Duration::from_secs(24 * 3600))?,
            refresh_token_rotation_enabled: boolean("GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED", true)?,
            refresh_token_reuse_interval: int("GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL", 0)?.max(0),
            // GoTrue's minimum is also its default: 300 s.
            flow_state_expiry: duration("GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION", Duration::from_secs(300))?
                .max(Duration::from_secs(300)),
            bcrypt_cost: int("AUTH_DEVSERVER_BCRYPT_COST", bcrypt::DEFAULT_COST as i64)?.clamp(4, 31) as u32,
            rate_limit_verify: int("GOTRUE_RATE_LIMIT_VERIFY", 30)?.clamp(0, u32::MAX as i64) as u32,
            rate_limit_sign_in: int("AUTH_DEVSERVER_RATE_LIMIT_SIGN_IN", 30)?.clamp(0, u32::MAX as i64) as u32,
            outbox_max: int("AUTH_DEVSERVER_OUTBOX_MAX", 10_000)?.clamp(1, 1_000_000) as u32,
            rate_limit_header: get("GOTRUE_RATE_LIMIT_HEADER").map(|h| h.trim().to_ascii_lowercase()),
            verify_max_failures: int("AUTH_DEVSERVER_VERIFY_MAX_FAILURES", 5)?.clamp(1, 1000) as u32,
            dev_endpoints: boolean("AUTH_DEVSERVER_DEV_ENDPOINTS", true)?,
            allowed_hosts: get("AUTH_DEVSERVER_ALLOWED_HOSTS").map(|v| split_list(&v.to_ascii_lowercase())).unwrap_or_default(),
            jwt_secret_is_default,
            bind_host: "127.0.0.1".into(),
        })
    }

    /// Refuses to serve beyond this machine with the public default secret: anyone who can reach
    /// the server could mint a service_role key with it.
    pub fn check_exposure(&self) -> Result<(), String> {
        if self.jwt_secret_is_default && !is_loopback_name(&self.bind_host) {
            return Err(format!(
                "refusing to listen on {} with the public default JWT secret: set GOTRUE_JWT_SECRET (at least 32 characters), or bind a loopback address",
                self.bind_host
            ));
        }
        Ok(())
    }

    /// Whether a request's `Host` name (without port) may reach this server. Loopback names,
    /// the bound address and `API_EXTERNAL_URL`'s host always may; others only when listed in
    /// `AUTH_DEVSERVER_ALLOWED_HOSTS` (or that list is `*`). Defeats DNS rebinding: a page on
    /// `evil.test` that re-resolves to 127.0.0.1 still sends `Host: evil.test`.
    pub fn host_allowed(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let name = name.trim_start_matches('[').trim_end_matches(']');
        if is_loopback_name(name) || self.allowed_hosts.iter().any(|h| h == "*" || h.trim_start_matches('[').trim_end_matches(']') == name) {
            return true;
        }
        let bound = self.bind_host.to_ascii_lowercase();
        if bound.trim_start_matches('[').trim_end_matches(']') == name {
            return true;
        }
        url::Url::parse(&self.api_external_url).ok().and_then(|u| u.host_str().map(|h| h.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase())).is_some_and(|h| h == name)
    }

    /// A configuration with every default, for tests.
    pub fn defaults() -> Self {
        // The defaults themselves are valid, so this cannot fail.
        Self::from_lookup(|_| None, 9999).unwrap_or_else(|e| panic!("default configuration is invalid: {e}"))
    }
}

/// `localhost` (and its subdomains, which resolvers keep on loopback) or a loopback IP.
pub fn is_loopback_name(name: &str) -> bool {
    let name = name.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Parses Go-style durations (`90s`, `1m30s`, `500ms`, `1h`); a bare number means seconds.
/// `None` for anything malformed, negative, non-finite (`inf`, `NaN`) or longer than
/// [`MAX_CONFIG_SECONDS`]: values from clients pass through here, so nothing may panic.
pub fn parse_duration(v: &str) -> Option<Duration> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let limit = Duration::from_secs(MAX_CONFIG_SECONDS as u64);
    let checked = |secs: f64| Duration::try_from_secs_f64(secs).ok().filter(|d| *d <= limit);
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return checked(v.parse::<f64>().ok()?);
    }
    let mut total = Duration::ZERO;
    let mut rest = v;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.checked_add(checked(number * unit)?).filter(|t| *t <= limit)?;
    }
    Some(total)
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// `GOTRUE_PASSWORD_REQUIRED_CHARACTERS`: sets separated by `:`, with `\:` for a literal colon.
fn split_character_sets(v: &str) -> Vec<String> {
    let mut sets = vec![String::new()];
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&':') => {
                chars.next();
                if let Some(s) = sets.last_mut() {
                    s.push(':');
                }
            }
            ':' => sets.push(String::new()),
            c => {
                if let Some(s) = sets.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    sets.into_iter().filter(|s| !s.is_empty()).collect()
}

/// The JWT secret signs every key and token, so `Debug` leaves it out.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("jwt_secret", &"<redacted>")
            .field("jwt_exp", &self.jwt_exp)
            .field("site_url", &self.site_url)
            .field("mailer_autoconfirm", &self.mailer_autoconfirm)
            .finish_non_exhaustive()
    }
}

/// Command-line flags; everything else is configured through the environment.
#[derive(clap::Parser, Debug)]
#[command(name = "auth-devserver", version, about = "Local Supabase Auth (GoTrue) compatible server with a mail outbox. Not for production.")]
pub struct Flags {
    /// Port to listen on (0 picks a free one and prints it).
    #[arg(long, default_value_t = 9999)]
    pub port: u16,
    /// Address to bind; loopback unless you really mean otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// SQLite database file, or :memory: for a throwaway one.
    #[arg(long, default_value = ":memory:")]
    pub db: String,
    /// Directory served at / (the demo page).
    #[arg(long)]
    pub www: Option<PathBuf>,
    /// Directory served at /pkg/ (the built npm package).
    #[arg(long)]
    pub pkg: Option<PathBuf>,
    /// Turn the /_dev/ test aids (outbox, request log, faults, clock) off.
    #[arg(long)]
    pub no_dev_endpoints: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("60s"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1x"), None);
    }

    #[test]
    fn character_sets_with_escaped_colon() {
        assert_eq!(split_character_sets("abc:123:\\:x"), vec!["abc", "123", ":x"]);
    }

    #[test]
    fn low_values_are_raised_as_gotrue_does() {
        let c = Config::from_lookup(|k| (k == "GOTRUE_PASSWORD_MIN_LENGTH").then(|| "2".into()), 1).unwrap();
        assert_eq!(c.password_min_length, 6);
        let bad = Config::from_lookup(|k| (k == "GOTRUE_JWT_EXP").then(|| "soon".into()), 1);
        assert!(bad.unwrap_err().contains("GOTRUE_JWT_EXP"));
    }

    #[test]
    fn durations_from_clients_never_panic() {
        for bad in ["inf", "NaN", "-5", "1e400", "99999999999999999999h", "9223372036854775807s", "1.5.5s", "h", ".", ""] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(parse_duration("87600h"), Some(Duration::from_secs(MAX_CONFIG_SECONDS as u64)));
        assert_eq!(parse_duration("87601h"), None);
    }

    #[test]
    fn default_secret_only_on_loopback() {
        let mut c = Config::defaults();
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            c.bind_host = host.into();
            assert!(c.check_exposure().is_ok(), "{host}");
        }
        for host in ["0.0.0.0", "192.168.1.2", "::", "example.test"] {
            c.bind_host = host.into();
            assert!(c.check_exposure().unwrap_err().contains("GOTRUE_JWT_SECRET"), "{host}");
        }
        let explicit = Config::from_lookup(|k| (k == "GOTRUE_JWT_SECRET").then(|| "x".repeat(40)), 1).unwrap();
        let explicit = Config { bind_host: "0.0.0.0".into(), ..explicit };
        assert!(explicit.check_exposure().is_ok());
    }

    #[test]
    fn hosts_that_may_reach_the_server() {
        let c = Config::defaults();
        for ok in ["127.0.0.1", "localhost", "LOCALHOST.", "app.localhost", "[::1]", "::1"] {
            assert!(c.host_allowed(ok), "{ok}");
        }
        for bad in ["evil.test", "127.0.0.1.evil.test", "localhost.evil.test", "10.0.0.1"] {
            assert!(!c.host_allowed(bad), "{bad}");
        }
        let listed = Config::from_lookup(|k| match k {
            "AUTH_DEVSERVER_ALLOWED_HOSTS" => Some("dev.example.test, Other.test".into()),
            "API_EXTERNAL_URL" => Some("https://auth.example.test/".into()),
            _ => None,
        }, 1).unwrap();
        assert!(listed.host_allowed("dev.example.test") && listed.host_allowed("other.test") && listed.host_allowed("auth.example.test"));
        assert!(!listed.host_allowed("evil.test"));
        let any = Config::from_lookup(|k| (k == "AUTH_DEVSERVER_ALLOWED_HOSTS").then(|| "*".into()), 1).unwrap();
        assert!(any.host_allowed("evil.test"));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let text = format!("{:?}", Config::defaults());
        assert!(!text.contains(DEFAULT_JWT_SECRET), "{text}");
    }
}
