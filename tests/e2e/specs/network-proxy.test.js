// Settings > Network proxy in the built app: the proxy and its user name are saved, the
// password goes to the real keychain (gnome-keyring here) and nowhere in the data folder, the
// CLI sees the same setting, and one click goes back to the system's proxy.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp } from "../lib/app.js";

const PASSWORD = "E2e-Proxy-Passw0rd";
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const cli = (...args) => execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { encoding: "utf8" });

/** Every file under `dir`, recursively. */
function filesIn(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesIn(path) : [path];
  });
}

describe("Settings > Network proxy", () => {
  let app;

  before(async () => {
    app = await launchApp();
    await app.containing("Defined source server connections");
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "proxy", "clear"]);
  });

  async function openProxyWindow() {
    await app.press("Settings for target connections");
    await app.choose("Network proxy…");
    return app.dialog("Network proxy");
  }

  it("saves the proxy with its user name, and the password only in the keychain", async () => {
    await openProxyWindow();
    await app.type(await app.field("Proxy URL"), "http://127.0.0.1:3128");
    await app.type(await app.field("User name"), "migration");
    await app.type(await app.field("Password"), PASSWORD);
    await app.screenshot("network-proxy");
    await app.press("Save");
    await app.gone(By.xpath("//*[@role='dialog']//h2[normalize-space(.)='Network proxy']"));

    assert.deepEqual(JSON.parse(cli("proxy", "show", "--json")), {
      url: "http://127.0.0.1:3128",
      username: "migration",
      hasPassword: true,
    });
    for (const file of filesIn(dataDir)) {
      assert.ok(!readFileSync(file).includes(PASSWORD), `the password is in ${file}`);
    }
  });

  it("shows the saved proxy again, with the password kept but not shown", async () => {
    await openProxyWindow();
    assert.equal(await (await app.field("Proxy URL")).getAttribute("value"), "http://127.0.0.1:3128");
    assert.equal(await (await app.field("Password")).getAttribute("value"), "");
    await app.containing("Kept in the OS keychain. Type a new one to replace it.");
    await app.screenshot("network-proxy-saved");
    await app.press("Use the system's proxy");
    await app.gone(By.xpath("//*[@role='dialog']//h2[normalize-space(.)='Network proxy']"));
    assert.match(cli("proxy", "show"), /^No proxy in Settings/);
  });
});
