/// <reference path="../pb_data/types.d.ts" />
// Test and demo mailbox for PocketBase: password-reset mails are kept (the newest per address)
// instead of sent, and read back at GET /_mailbox/{email}. Loaded only by the test harness and
// `make demo BACKEND=pocketbase` (tests/support/pocketbase.mjs), never by an app.
onMailerRecordPasswordResetSend((e) => {
  // The mail's link: whichever carries the token (the template decides the address).
  const links = Array.from(e.message.html.matchAll(/href="([^"]*)"/g), (m) => m[1]);
  const link = links.find((href) => href.includes(e.meta.token)) || null;
  $app.store().set("reset:" + e.record.email(), JSON.stringify({ token: e.meta.token, link: link, subject: e.message.subject, at: new Date().toISOString() }));
  // No e.next(): nothing is sent (no SMTP server here).
});

routerAdd("GET", "/_mailbox/{email}", (e) => {
  const kept = $app.store().get("reset:" + e.request.pathValue("email"));
  return e.json(200, kept ? [JSON.parse(kept)] : []);
});
