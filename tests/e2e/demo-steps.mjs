// What a person does on the demo page, as steps shared by the demo's end-to-end tests (the
// page is whichever `page()` returns at the time: tests open fresh ones).
export function demoSteps(page) {
  const visible = (id) => page().locator(`#screen-${id}`).waitFor({ state: 'visible' });
  const submit = (formId) => page().locator(`#${formId} button[type=submit]`).click();
  /** Waits until element `id` shows `text`. */
  const says = (id, text) => page().locator(`#${id}`).filter({ hasText: text }).waitFor();
  async function signIn(email, password) {
    await page().fill('#signin-email', email);
    await page().fill('#signin-password', password);
    await submit('form-signin');
  }
  /** Settings → change password. */
  async function changePassword(current, next) {
    await page().fill('#current-password', current);
    await page().fill('#changed-password', next);
    await submit('form-change');
  }
  /** Creates the account from the sign-up screen (signed in after), then signs out. */
  async function signUpAndOut(email, password) {
    await page().locator('#go-signup').click();
    await page().fill('#signup-email', email);
    await page().fill('#signup-password', password);
    await submit('form-signup');
    await visible('home');
    const signedInAs = await page().locator('[data-testid=cached-user]').textContent();
    await page().locator('#signout').click();
    await visible('signin');
    return { signedInAs, afterSignOut: await page().locator('[data-testid=cached-user]').textContent() };
  }
  return { visible, submit, says, signIn, changePassword, signUpAndOut };
}
