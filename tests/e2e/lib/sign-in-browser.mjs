#!/usr/bin/env node
// Stands in for the system browser in the E2E tests (MAILFERRY_BROWSER): loads Microsoft's
// sign-in page (entra-sim's), fills in the form as a person would, presses Accept and follows
// the redirect back to Mailferry's loopback listener.
//   sign-in-browser.mjs URL     (user: MAILFERRY_E2E_ADMIN, password: MAILFERRY_E2E_PASSWORD)
// A form that comes filled in (the demo tenants' pages) is accepted as it is, unless the
// environment names another account: one click, Accept, as a person trying the demo would.
const [url] = process.argv.slice(2);

const decode = (value) =>
  value.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
const attribute = (tag, name) => {
  const match = tag.match(new RegExp(`${name}="([^"]*)"`));
  return match ? decode(match[1]) : null;
};

const page = await (await fetch(url, { redirect: "manual" })).text();
const prefilled = (name) => {
  const tag = page.split("<input").find((t) => t.includes(`name="${name}"`));
  return (tag && attribute(tag, "value")) || null;
};
const user = process.env.MAILFERRY_E2E_ADMIN ?? prefilled("username") ?? "admin@contoso.onmicrosoft.com";
const password = process.env.MAILFERRY_E2E_PASSWORD ?? prefilled("password") ?? "Passw0rd!";
const origin = new URL(url).origin;
const form = page.slice(page.indexOf("<form"));
const fields = new URLSearchParams();
for (const tag of page.split("<input").slice(1)) {
  if (tag.includes('type="hidden"')) fields.append(attribute(tag, "name"), attribute(tag, "value") ?? "");
}
fields.append("username", user);
fields.append("password", password);
fields.append("action", "accept");
const answer = await fetch(new URL(attribute(form, "action"), origin), { method: "POST", body: fields, redirect: "manual" });
const location = answer.headers.get("location");
if (!location) {
  console.error(`sign-in-browser: no redirect (HTTP ${answer.status})`);
  process.exit(1);
}
await fetch(location).catch(() => undefined);
