// What the web view may not do: commands outside its capability, network requests (the CSP
// allows IPC only), and a log that tells what happened without secrets.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { launchApp } from "../lib/app.js";

describe("the web view's boundaries", () => {
  let app;

  before(async () => {
    app = await launchApp();
    await app.containing("Defined source server connections");
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
  });

  it("may call Mailferry's granted commands", async () => {
    const answer = await app.driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke("list_connections", { role: null }).then(
        (value) => done({ ok: true, value }), (error) => done({ ok: false, error: String(error) }));`);
    assert.deepEqual(answer, { ok: true, value: [] });
  });

  it("is refused every command its capability does not grant", async () => {
    for (const command of ["plugin:path|resolve_directory", "plugin:window-state|save_window_state", "plugin:webview|create_webview_window"]) {
      const answer = await app.driver.executeAsyncScript(`
        const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke(${JSON.stringify(command)}, {}).then(
          () => done({ ok: true }), (error) => done({ ok: false, error: String(error) }));`);
      assert.equal(answer.ok, false, `${command} must be refused`);
      assert.match(answer.error, /not allowed/i, `${command}: ${answer.error}`);
    }
  });

  it("cannot reach the network: the content security policy allows IPC only", async () => {
    const answer = await app.driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const violations = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
      fetch("http://127.0.0.1:9/").then(
        () => done({ fetched: true, violations }),
        () => setTimeout(() => done({ fetched: false, violations }), 100));`);
    assert.equal(answer.fetched, false);
    assert.ok(answer.violations.some((d) => d.startsWith("connect-src")), JSON.stringify(answer.violations));
  });

  it("logs to the app's log folder", () => {
    const log = readFileSync(join(process.env.XDG_DATA_HOME, "com.mailferry.desktop", "logs", "mailferry.log"), "utf8");
    assert.match(log, /connection store opened/);
    assert.match(log, /page loaded/);
  });
});
