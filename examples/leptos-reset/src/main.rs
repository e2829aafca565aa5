//! "Forgot password?" in three steps — the email, the emailed code, a new password — as a Leptos
//! client-side app would write it with wasm-auth-client's Rust API. Served by the devserver
//! (`make leptos-demo`), which is also the auth server: the app talks to its own origin.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_auth_client::{AuthClient, AuthError, ClientOptions, ErrorCode, ResetRequest, UpdatePassword, VerifyOtp};

thread_local! {
    /// One client for the page (it lives on the browser's one thread).
    static AUTH: Rc<AuthClient> = {
        let origin = window().location().origin().unwrap_or_default();
        match AuthClient::gotrue(&origin, None, ClientOptions::default()) {
            Ok(auth) => Rc::new(auth),
            // The origin is always an http(s) URL in a page; nothing else reaches here.
            Err(e) => panic!("auth client: {e}"),
        }
    };
}

fn auth() -> Rc<AuthClient> {
    AUTH.with(Rc::clone)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Email,
    Code,
    Password,
    Done,
}

/// What a person can act on, by the error's stable code.
fn explain(e: &AuthError) -> String {
    match e.code {
        ErrorCode::InvalidOtp => "That code is wrong, used or expired: check the email, or ask for a new one.".into(),
        ErrorCode::WeakPassword if e.reasons.iter().any(|r| r == "length") => "Too short: choose a longer password.".into(),
        ErrorCode::WeakPassword => "Too weak: add letters, digits or symbols the server asks for.".into(),
        ErrorCode::SamePassword => "That is the current password: choose another.".into(),
        ErrorCode::RateLimited => match e.retry_after {
            Some(seconds) => format!("Too many requests: try again in {seconds} s."),
            None => "Too many requests: try again in a minute.".into(),
        },
        ErrorCode::NetworkError | ErrorCode::Timeout => "The server cannot be reached: try again.".into(),
        _ => e.message.clone(),
    }
}

#[component]
fn ForgotPassword() -> impl IntoView {
    let step = RwSignal::new(Step::Email);
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // Runs one step; the next is shown only when the call worked.
    let run = move |next: Step| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let auth = auth();
            let result = match step.get_untracked() {
                Step::Email => auth.request_password_reset(ResetRequest::new(email.get_untracked())).await,
                Step::Code => auth.verify_otp(VerifyOtp::code(code.get_untracked())).await.map(|_| ()),
                Step::Password => auth.update_password(UpdatePassword::new(password.get_untracked())).await,
                Step::Done => Ok(()),
            };
            busy.set(false);
            match result {
                Ok(()) => step.set(next),
                Err(e) => error.set(Some(explain(&e))),
            }
        });
    };

    view! {
        <h1>"Forgot password?"</h1>
        {move || match step.get() {
            Step::Email => view! {
                <form on:submit=move |ev| { ev.prevent_default(); run(Step::Code); }>
                    <label>"Your email " <input type="email" required prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) /></label>
                    <button disabled=busy>"Send me a code"</button>
                </form>
            }.into_any(),
            Step::Code => view! {
                <form on:submit=move |ev| { ev.prevent_default(); run(Step::Password); }>
                    <p>"If that email exists, we sent a 6-digit code to it."</p>
                    <label>"Code " <input inputmode="numeric" autocomplete="one-time-code" prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) /></label>
                    <button disabled=busy>"Verify"</button>
                </form>
            }.into_any(),
            Step::Password => view! {
                <form on:submit=move |ev| { ev.prevent_default(); run(Step::Done); }>
                    <label>"New password " <input type="password" autocomplete="new-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) /></label>
                    <button disabled=busy>"Set the new password"</button>
                </form>
            }.into_any(),
            Step::Done => view! {
                <p>"Done: you are signed in as " {auth().cached_user().and_then(|u| u.email().map(str::to_string)).unwrap_or_default()} "."</p>
            }.into_any(),
        }}
        <p role="alert">{move || error.get()}</p>
    }
}

fn main() {
    mount_to_body(ForgotPassword);
}
