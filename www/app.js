// The demo: how an app builds "Forgot password?" and "Settings → change password" with
// wasm-auth-client. By default served by auth-devserver, which also answers the auth API on this
// origin; `make demo BACKEND=firebase|pocketbase` runs the same page against that real server.
import { backendFrom } from './backends.js';

const $ = (id) => document.getElementById(id);
const backend = backendFrom(JSON.parse($('demo-config').textContent));
const { AuthClient, isAuthError } = await import(backend.entry);
const auth = new AuthClient(backend.options);
const SCREEN_KEY = 'demo:screen';

// ---- screens -------------------------------------------------------------------------------

function show(name) {
  for (const screen of document.querySelectorAll('.screen')) screen.hidden = screen.id !== `screen-${name}`;
  sessionStorage.setItem(SCREEN_KEY, name);
  const first = $(`screen-${name}`).querySelector('input, button.primary');
  first?.focus();
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.error')) el.textContent = '';
  for (const el of form.querySelectorAll('.reasons')) el.replaceChildren();
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** Runs `work` with the form's button disabled; errors go next to the form, in words. */
async function submitting(form, errorId, work, fieldFor = {}) {
  clearErrors(form);
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    $(errorId).textContent = explain(error);
    const field = fieldFor[fieldOf(error)];
    if (field) {
      $(field).setAttribute('aria-invalid', 'true');
      $(field).focus();
    }
    return error;
  } finally {
    button.disabled = false;
  }
}

// ---- errors in words ----------------------------------------------------------------------

function fieldOf(error) {
  if (!isAuthError(error)) return null;
  if (error.code === 'invalid_input') return error.message.split(':')[0];
  if (['weak_password', 'same_password'].includes(error.code)) return 'password';
  if (error.code === 'invalid_otp') return 'token';
  if (error.code === 'invalid_current_password') return 'currentPassword';
  return null;
}

const FIELD_WORDS = {
  email: 'Enter a valid email address.',
  token: backend.codeIsShort ? 'Enter the 6-digit code from the email.' : 'Paste the code from the email.',
  tokenHash: 'That does not look like the link from the email.',
  password: 'Enter a password (at most 72 bytes).',
  currentPassword: 'Enter your current password.',
};

function explain(error) {
  if (!isAuthError(error)) return 'Something unexpected happened. Please try again.';
  switch (error.code) {
    case 'invalid_input':
      return FIELD_WORDS[fieldOf(error)] ?? error.message;
    case 'invalid_otp':
      return 'That code or link is wrong, already used or expired. Check the newest email, or send a new code.';
    case 'weak_password':
      return 'That password is too weak:';
    case 'same_password':
      return 'That is your current password. Choose a different one.';
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'invalid_current_password':
      return 'Your current password is not correct.';
    case 'rate_limited':
      return `Too many requests. Try again in ${error.retryAfter ?? 'a few'} seconds.`;
    case 'network_error':
      return 'Cannot reach the server. Check your connection and try again; nothing you entered is lost.';
    case 'timeout':
      return 'The server is taking too long to answer. Try again in a moment.';
    case 'not_authenticated':
      return 'Your session has ended. Please sign in again.';
    case 'server_error':
      return 'The server had a problem. Try again in a moment.';
    case 'unsolicited_session':
      return 'This link was opened in a different tab or browser than the one that asked for it. Enter the 6-digit code from the email here instead.';
    case 'session_conflict':
      return 'Another account is signed in here. Sign out first, then use a new code.';
    default:
      return error.message;
  }
}

/** `weak_password` reasons, in words (the server's sentences carry its numbers). */
function showReasons(listId, error) {
  const list = $(listId);
  list.replaceChildren();
  if (!isAuthError(error) || error.code !== 'weak_password') return;
  const sentences = error.message.split(/(?<=\.)\s+/);
  const words = {
    length: sentences.find((s) => s.includes('at least')) ?? 'Use a longer password.',
    characters: sentences.find((s) => s.includes('contain')) ?? 'Use more kinds of characters.',
    pwned: 'This password appeared in a data breach; choose another.',
  };
  for (const reason of error.reasons ?? []) {
    const item = document.createElement('li');
    item.textContent = words[reason] ?? reason;
    list.append(item);
  }
}

// ---- status bar, events, mailbox ------------------------------------------------------------

function renderCachedUser() {
  const user = auth.getCachedUser();
  $('cached-user').textContent = user ? user.email : 'signed out';
  $('cached-user').classList.toggle('on', Boolean(user));
}

// Set when a recovery code or link was verified (with GoTrue a recovery session comes with it;
// Firebase and PocketBase hold the code until the new password).
let recoveryStarted = false;

auth.onAuthChange((event, session) => {
  if (event === 'PASSWORD_RECOVERY') recoveryStarted = true;
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  item.innerHTML = `<code></code> <span class="muted"></span>`;
  item.querySelector('code').textContent = event;
  item.querySelector('span').textContent = `${time}${session ? ` · ${session.user.email}` : ''}`;
  $('events').prepend(item);
  renderCachedUser();
});

async function refreshMailbox() {
  const email = $('mailbox-email').value.trim();
  const list = $('mailbox-list');
  if (!email) {
    list.innerHTML = '<li class="muted">Enter an address to read its mail.</li>';
    return;
  }
  try {
    const mails = await backend.mailbox(email);
    list.replaceChildren();
    if (mails.length === 0) list.innerHTML = '<li class="muted">No mail for this address.</li>';
    for (const mail of mails) {
      const item = document.createElement('li');
      item.className = 'mail';
      item.innerHTML = `<div class="subject"></div><div class="muted small"></div>
        <div class="otp" data-testid="mail-code"></div><div class="row"></div>`;
      item.querySelector('.subject').textContent = mail.subject;
      item.querySelector('.muted').textContent = [`to ${mail.to}`, mail.sent_at && new Date(mail.sent_at).toLocaleTimeString(), mail.kind].filter(Boolean).join(' · ');
      item.querySelector('.otp').textContent = mail.token ?? '';
      const row = item.querySelector('.row');
      const fill = (label, code, link) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary small';
        button.textContent = label;
        button.onclick = () => {
          $('code-input').value = code;
          $('link-input').value = link;
        };
        row.append(button);
      };
      if (mail.kind === 'recovery' || mail.kind === 'reauthentication') fill('Use code', mail.token, '');
      if (mail.link) {
        fill('Paste link', '', mail.link);
        const open = document.createElement('a');
        open.href = mail.link;
        open.className = 'secondary small button-link';
        open.textContent = 'Open link';
        row.append(open);
      }
      list.append(item);
    }
  } catch {
    list.innerHTML = '<li class="muted">The outbox cannot be reached right now.</li>';
  }
}

function watchMailbox(email) {
  $('mailbox-email').value = email;
  refreshMailbox();
}

// ---- flows ------------------------------------------------------------------------------------

$('form-signin').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  submitting(form, 'signin-error', async () => {
    await auth.signInWithEmail({ email: form.email.value, password: form.password.value });
    form.reset();
    goHome();
  }, { email: 'signin-email', password: 'signin-password' });
});

$('form-signup').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  submitting(form, 'signup-error', async () => {
    const email = form.email.value.trim();
    await backend.signUp(email, form.password.value);
    // Sign-up answers a session, but the demo signs in through the library like an app would.
    await auth.signInWithEmail({ email, password: form.password.value });
    form.reset();
    goHome();
  });
});

let resetEmail = '';

$('form-forgot').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  submitting(form, 'forgot-error', async () => {
    resetEmail = form.email.value.trim();
    await auth.requestPasswordReset({ email: resetEmail });
    sessionStorage.setItem('demo:reset-email', resetEmail);
    $('code-notice').textContent = `If an account exists for ${resetEmail}, we sent it ${backend.codeIsShort ? 'a code' : 'a link'}. It works once.`;
    watchMailbox(resetEmail);
    show('code');
  }, { email: 'forgot-email' });
});

$('resend').addEventListener('click', async () => {
  const form = $('form-code');
  await submitting(form, 'code-error', async () => {
    await auth.requestPasswordReset({ email: resetEmail || sessionStorage.getItem('demo:reset-email') || '' });
    $('code-notice').textContent = 'We sent a new code. Only the newest one works.';
    refreshMailbox();
  });
});

$('form-code').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  submitting(form, 'code-error', async () => {
    const link = form.link.value.trim();
    if (link) {
      const parsed = auth.parseRecoveryLink(link);
      if (parsed?.error) throw Object.assign(new Error(parsed.description), { name: 'AuthError', code: parsed.error, status: 0 });
      // GoTrue's links carry a token hash; Firebase's and PocketBase's the credential itself.
      if (parsed?.tokenHash) await auth.verifyOtp({ tokenHash: parsed.tokenHash, type: 'recovery' });
      else if (parsed?.token) await auth.verifyOtp({ token: parsed.token, type: 'recovery' });
      else throw Object.assign(new Error('tokenHash: not a recovery link'), { name: 'AuthError', code: 'invalid_input', status: 0 });
    } else {
      // No email here: the client remembers the address since requestPasswordReset.
      await auth.verifyOtp({ token: form.code.value, type: 'recovery' });
    }
    form.reset();
    show('newpassword');
  }, { token: 'code-input', tokenHash: 'link-input' });
});

function byteMeter(input, meter) {
  const bytes = new TextEncoder().encode(input.value).length;
  meter.textContent = bytes === 0 ? '' : `${bytes} of at most 72 bytes`;
  meter.classList.toggle('over', bytes > 72);
}
$('new-password').addEventListener('input', (e) => byteMeter(e.target, $('new-password-meter')));

$('form-newpassword').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  submitting(form, 'newpassword-error', async () => {
    try {
      await auth.updatePassword({ password: form.password.value });
    } catch (error) {
      showReasons('new-password-reasons', error);
      throw error;
    }
    form.reset();
    $('new-password-meter').textContent = '';
    goHome('Your password was changed. You are signed in.');
  }, { password: 'new-password' });
});

$('form-change').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  $('home-notice').hidden = true;
  submitting(form, 'change-error', async () => {
    try {
      await auth.updatePassword({ password: form.password.value, currentPassword: form.current.value });
    } catch (error) {
      showReasons('changed-password-reasons', error);
      throw error;
    }
    form.reset();
    notice('Password changed. Other devices were signed out.');
  }, { password: 'changed-password', currentPassword: 'current-password' });
});

$('signout-others').addEventListener('click', async () => {
  $('home-error').textContent = '';
  try {
    await auth.signOut({ scope: 'others' });
    notice('Other devices were signed out. This one stays signed in.');
  } catch (error) {
    $('home-error').textContent = explain(error);
    if (!auth.getCachedUser()) show('signin');
  }
});

$('signout').addEventListener('click', async () => {
  try {
    await auth.signOut();
  } finally {
    show('signin');
  }
});

function notice(text) {
  $('home-notice').textContent = text;
  $('home-notice').hidden = false;
}

function goHome(message) {
  const user = auth.getCachedUser();
  if (!user) return show('signin');
  $('home-email').textContent = user.email;
  $('home-notice').hidden = !message;
  if (message) $('home-notice').textContent = message;
  show('home');
}

// ---- navigation and start ------------------------------------------------------------------------

for (const button of document.querySelectorAll('[data-go]')) button.addEventListener('click', () => show(button.dataset.go));
$('go-forgot').addEventListener('click', () => {
  $('forgot-email').value = $('signin-email').value;
  show('forgot');
});
$('go-signup').addEventListener('click', () => show('signup'));
$('mailbox-refresh').addEventListener('click', refreshMailbox);
$('signup-email').addEventListener('change', (e) => watchMailbox(e.target.value));
$('signin-email').addEventListener('change', (e) => watchMailbox(e.target.value));

/** Words and controls that depend on what the platform has. */
function adaptToBackend() {
  document.body.dataset.backend = backend.name;
  $('mailbox-source').textContent = backend.label;
  if (backend.codeIsShort) return;
  $('forgot-lead').textContent = 'Enter the email of your account. We will send a link to reset your password.';
  $('code-label').textContent = 'Code from the email';
  Object.assign($('code-input'), { inputMode: 'text', maxLength: 4096, placeholder: 'the code or token from the link' });
  $('code-input').classList.remove('code');
  $('newpassword-lead').textContent = 'Your reset code is checked and kept until you choose the new password, which signs you in.';
  // Firebase and PocketBase sessions cannot be ended on the server from a client.
  $('signout-others').hidden = true;
}

/** Arriving from the email link: the library consumes it and clears the address bar. */
async function start() {
  adaptToBackend();
  renderCachedUser();
  resetEmail = sessionStorage.getItem('demo:reset-email') ?? '';
  if (resetEmail) watchMailbox(resetEmail);
  try {
    const fromLink = await auth.handleRedirect();
    if (fromLink || recoveryStarted) {
      show('newpassword');
      return;
    }
  } catch (error) {
    show('code');
    $('code-error').textContent = explain(error);
    return;
  }
  const saved = sessionStorage.getItem(SCREEN_KEY);
  if (auth.getCachedUser()) {
    saved === 'newpassword' ? show('newpassword') : goHome();
  } else {
    show(saved === 'code' || saved === 'forgot' || saved === 'signup' ? saved : 'signin');
  }
}

await start();
$('loading').remove();
document.body.dataset.ready = 'true';
