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

// Guarded like the devserver's /_dev/ (its reset tokens are credentials): only this machine, and
// no page of another origin than a loopback one. (Handlers run in their own scope: all inline.)
routerAdd("GET", "/_mailbox/{email}", (e) => {
  const peer = e.remoteIP();
  if (peer !== "127.0.0.1" && peer !== "::1") {
    return e.json(403, { message: "The mailbox answers this machine only" });
  }
  const origin = e.request.header.get("Origin");
  if (origin && !/^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin)) {
    return e.json(403, { message: "The mailbox answers loopback pages only" });
  }
  const kept = $app.store().get("reset:" + e.request.pathValue("email"));
  return e.json(200, kept ? [JSON.parse(kept)] : []);
});
