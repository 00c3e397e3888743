// The app as a user installs it: scripts/test-installer.sh installs the .deb into a throwaway
// root and runs this with MAILFERRY_APP naming the installed binary. It must start on its own
// embedded UI (no dev server, no files from the build tree) and show a working dashboard.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { launchApp } from "../lib/app.js";

describe("the installed package", () => {
  let app;

  before(async () => {
    assert.match(process.env.MAILFERRY_APP ?? "", /\/usr\/bin\/mailferry-app$/, "the installed binary is under test");
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
  });

  it("starts and shows the dashboard with both connection cards", async () => {
    await app.containing("Defined source server connections");
    await app.containing("Defined target server connections");
    assert.equal(await app.driver.getTitle(), "Mailferry");
    await app.screenshot("installed-dashboard");
  });

  it("answers the core through its commands (the store opened in the user's data folder)", async () => {
    const answer = await app.driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke("list_connections", { role: null }).then(
        (value) => done({ ok: true, value }), (error) => done({ ok: false, error: String(error) }));`);
    assert.deepEqual(answer, { ok: true, value: [] });
  });
});
