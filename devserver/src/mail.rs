//! Sending mail means writing it to the outbox. Each email that carries a secret gets a fresh
//! code, its token hash and the confirmation link (GoTrue's template variables), and replaces
//! the user's outstanding token of that kind, so only the latest code works.

use rusqlite::Connection;

use crate::crypto;
use crate::db::{self, Mail, Millis, User};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The emails this server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Recovery,
    /// `/otp`: shares the recovery token slot and interval with recovery.
    MagicLink,
    Signup,
    /// `/invite`: the confirmation slot, no interval.
    Invite,
    Reauthentication,
    /// An email change, to the new address.
    EmailChangeNew,
    /// An email change, to the current address (secure email change).
    EmailChangeCurrent,
}

impl MailKind {
    /// The outbox `kind` and `generate_link`'s `verification_type`.
    pub fn name(self) -> &'static str {
        match self {
            MailKind::Recovery => "recovery",
            MailKind::MagicLink => "magiclink",
            MailKind::Signup => "signup",
            MailKind::Invite => "invite",
            MailKind::Reauthentication => "reauthentication",
            MailKind::EmailChangeNew => "email_change_new",
            MailKind::EmailChangeCurrent => "email_change_current",
        }
    }

    /// The `type` in the link (both email-change links say `email_change`).
    fn link_type(self) -> &'static str {
        match self {
            MailKind::EmailChangeNew | MailKind::EmailChangeCurrent => "email_change",
            other => other.name(),
        }
    }

    fn subject(self, code: &str) -> String {
        match self {
            MailKind::Recovery => "Reset your password".into(),
            MailKind::MagicLink => "Your Magic Link".into(),
            MailKind::Signup => "Confirm your signup".into(),
            MailKind::Invite => "You have been invited".into(),
            MailKind::Reauthentication => format!("{code} is your verification code"),
            MailKind::EmailChangeNew | MailKind::EmailChangeCurrent => "Confirm email change".into(),
        }
    }

    fn sent_at(self, user: &User) -> Option<Millis> {
        match self {
            MailKind::Recovery | MailKind::MagicLink => user.recovery_sent_at,
            MailKind::Signup => user.confirmation_sent_at,
            // GoTrue's sendInvite applies no interval.
            MailKind::Invite => None,
            MailKind::Reauthentication => user.reauthentication_sent_at,
            MailKind::EmailChangeNew | MailKind::EmailChangeCurrent => user.email_change_sent_at,
        }
    }

    /// Who receives it, and whose address the code is hashed with.
    fn recipient(self, user: &User) -> &str {
        match self {
            MailKind::EmailChangeNew => user.email_change.as_deref().unwrap_or(&user.email),
            _ => &user.email,
        }
    }
}

/// How the secret is delivered: `Pkce` prefixes the stored hash with `pkce_` so that the link
/// redirects with `?code=` instead of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Implicit,
    Pkce,
}

/// Per-user minimum interval between emails of one kind (`GOTRUE_SMTP_MAX_FREQUENCY`), and the
/// process-wide hourly budget when confirmations are on.
pub fn check_send_limits(conn: &Connection, state: &AppState, user: &User, kind: MailKind) -> ApiResult<()> {
    check_interval(state, user, kind)?;
    check_budget(conn, state)
}

/// The per-user interval alone.
pub fn check_interval(state: &AppState, user: &User, kind: MailKind) -> ApiResult<()> {
    let now = state.now();
    let frequency = state.config.smtp_max_frequency.as_millis() as Millis;
    if let Some(sent) = kind.sent_at(user) {
        let left_ms = sent + frequency - now;
        if left_ms > 0 {
            // Go truncates the remaining duration to whole seconds.
            return Err(ApiError::too_many(
                "over_email_send_rate_limit",
                format!("For security purposes, you can only request this after {} seconds.", left_ms / 1000),
            ));
        }
    }
    Ok(())
}

/// The process-wide hourly email budget (`GOTRUE_RATE_LIMIT_EMAIL_SENT`), skipped with autoconfirm.
pub fn check_budget(conn: &Connection, state: &AppState) -> ApiResult<()> {
    let now = state.now();
    if !state.config.mailer_autoconfirm && db::mails_sent_since(conn, now - 3_600_000)? >= state.config.rate_limit_email_sent {
        return Err(ApiError::too_many("over_email_send_rate_limit", "email rate limit exceeded"));
    }
    Ok(())
}

/// Generates the code, stores its hash on the user and puts the email in the outbox.
/// Returns the code and the stored token hash (for `/admin/generate_link`).
pub fn send(conn: &Connection, state: &AppState, user: &mut User, kind: MailKind, flow: Flow, redirect_to: &str) -> ApiResult<(String, String)> {
    let (code, stored) = new_token(state, user, kind, flow);
    let link = (kind != MailKind::Reauthentication).then(|| confirmation_url(state, &stored, kind, redirect_to));
    let text = match &link {
        Some(link) => format!(
            "{}\n\nEnter this code: {code}\n\nOr follow this link: {link}\n\nThe code and the link expire in {} and work once.\n",
            intro(kind),
            human_duration(state.config.mailer_otp_exp)
        ),
        None => format!("{}\n\nEnter this code: {code}\n", intro(kind)),
    };
    db::save_user(conn, user)?;
    db::insert_mail(
        conn,
        &Mail {
            to: kind.recipient(user).to_string(),
            subject: kind.subject(&code),
            kind: kind.name().into(),
            token: Some(code.clone()),
            token_hash: Some(stored.clone()),
            link,
            text,
            sent_at: state.now(),
        },
    )?;
    Ok((code, stored))
}

/// Sets a new token of `kind` on `user` (in memory) and returns the code and stored hash.
pub fn new_token(state: &AppState, user: &mut User, kind: MailKind, flow: Flow) -> (String, String) {
    let code = crypto::generate_otp(state.config.mailer_otp_length);
    let hash = crypto::token_hash(kind.recipient(user), &code);
    let stored = match flow {
        Flow::Implicit => hash,
        Flow::Pkce => format!("pkce_{hash}"),
    };
    let now = state.now();
    match kind {
        MailKind::Recovery | MailKind::MagicLink => {
            user.recovery_token = Some(stored.clone());
            user.recovery_sent_at = Some(now);
        }
        MailKind::Signup | MailKind::Invite => {
            user.confirmation_token = Some(stored.clone());
            user.confirmation_sent_at = Some(now);
            if kind == MailKind::Invite {
                user.invited_at = Some(now);
            }
        }
        MailKind::Reauthentication => {
            user.reauthentication_token = Some(stored.clone());
            user.reauthentication_sent_at = Some(now);
        }
        MailKind::EmailChangeNew => {
            user.email_change_token_new = Some(stored.clone());
            user.email_change_sent_at = Some(now);
        }
        MailKind::EmailChangeCurrent => {
            user.email_change_token_current = Some(stored.clone());
            user.email_change_sent_at = Some(now);
        }
    }
    user.updated_at = now;
    // A new code starts a new count of wrong guesses.
    user.verify_failures = 0;
    (code, stored)
}

/// `{API_EXTERNAL_URL}/verify?token=…&type=…&redirect_to=…` (GoTrue's ConfirmationURL).
pub fn confirmation_url(state: &AppState, stored_hash: &str, kind: MailKind, redirect_to: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", stored_hash)
        .append_pair("type", kind.link_type())
        .append_pair("redirect_to", redirect_to)
        .finish();
    format!("{}/verify?{query}", state.config.api_external_url)
}

fn intro(kind: MailKind) -> &'static str {
    match kind {
        MailKind::Recovery => "Someone asked to reset the password of this account. If it was not you, ignore this email.",
        MailKind::MagicLink => "Here is your sign-in code.",
        MailKind::Signup => "Confirm your email address.",
        MailKind::Invite => "You have been invited to create an account. Follow the link to accept.",
        MailKind::Reauthentication => "Confirm it is you before changing your password.",
        MailKind::EmailChangeNew => "Confirm this new address for your account.",
        MailKind::EmailChangeCurrent => "Confirm that your account's email address may change.",
    }
}

fn human_duration(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} day(s)", s / 86_400),
        s if s % 3600 == 0 => format!("{} hour(s)", s / 3600),
        s if s % 60 == 0 => format!("{} minute(s)", s / 60),
        s => format!("{s} second(s)"),
    }
}
