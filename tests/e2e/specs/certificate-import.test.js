// Import a password-protected PFX through the wizard: the native GTK open dialog (driven with
// xdotool, as WebDriver cannot reach native windows), the password asked in the app, the
// thumbprint filled, the key in the keychain, and the connection saved with that certificate.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, Key, launchApp } from "../lib/app.js";
import { chooseInNativeDialog } from "../lib/native-dialog.js";

const PFX_PASSWORD = "Pfx-Pass-2026!";
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");

/** The keychain account of a certificate's key: named by the data folder's identity too. */
function keyAccount(sha1) {
  const folder = readFileSync(join(dataDir, "folder-id"), "utf8").trim().replaceAll("-", "").toLowerCase();
  return `certificate/${folder}/${sha1}/private-key`;
}
/** The application entra-sim holds this certificate for (tests/e2e/fixtures/make-tenant.mjs). */
const CERTIFICATE_APP = "2b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d";

function openssl(dir, ...args) {
  return execFileSync("openssl", args, { cwd: dir, encoding: "utf8" });
}

function filesContaining(dir, needle) {
  const hits = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) hits.push(...filesContaining(path, needle));
    else if (stat?.isFile() && readFileSync(path).includes(needle)) hits.push(path);
  }
  return hits;
}

describe("a certificate imported through the wizard", () => {
  let app;
  let dir;
  let sha1;

  before(async () => {
    // The PFX whose certificate entra-sim has on the application (made by scripts/e2e.sh).
    dir = process.env.MAILFERRY_E2E_FIXTURES;
    assert.ok(dir, "MAILFERRY_E2E_FIXTURES must name the fixtures folder (scripts/e2e.sh sets it)");
    sha1 = openssl(dir, "x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha1").trim().split("=")[1].replaceAll(":", "");
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    // Leave the data folder as found, whatever happened above.
    const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", "Contoso certificate", "--yes"]);
  });

  it("fills the thumbprint after the native dialog and the PFX password", async () => {
    await app.newConnectionWizard();
    await app.radio("Manual registration");
    await app.press("Next");
    await (await app.findVisible(By.xpath("//label[normalize-space(.)='Certificate thumbprint']"))).click();
    await app.press("Import…");

    chooseInNativeDialog("Import certificate", join(dir, "contoso.pfx"));
    await app.text("This PFX file is protected by a password.");
    await app.screenshot("certificate-password");
    await app.type(await app.field("PFX password"), PFX_PASSWORD + Key.ENTER);

    const card = await app.findVisible(By.xpath("//*[@aria-label='Stored certificate']"));
    assert.match(await card.getText(), /CN=Contoso Migration E2E/);
    assert.match(await card.getText(), /RSA 2048 bits/);
    assert.equal(await (await app.field("Certificate thumbprint (SHA-1)")).getAttribute("value"), sha1);
    await app.screenshot("certificate-imported");
  });

  it("signs in with the imported certificate on Configure, and saves the connection, whose key is in the keychain only", async () => {
    await app.type(await app.field("Connection name"), "Contoso certificate");
    await app.type(await app.field("Dedicated application mailbox"), "migration@contoso.com");
    await app.type(await app.field("Application (client) ID"), CERTIFICATE_APP);
    await app.type(await app.field("Directory (tenant) ID"), "contoso.onmicrosoft.com");
    await app.press("Next");
    await app.press("Configure");
    await app.text("All checks passed: the connection works.");
    await app.containing(`signed in to tenant 6babcaad-604b-40ac-a9d7-9fd97c0b779f with its certificate`);
    await app.containing("The certificate is valid until");
    await app.screenshot("wizard-configuration-certificate-passed");
    await app.press("Finish");
    await app.dialog("Manage source connections");
    await app.press("OK");
    const item = await app.findVisible(By.xpath("//li[@aria-label='Contoso certificate']"));
    assert.match(await item.getText(), new RegExp(`Certificate ${sha1.slice(0, 4)}…${sha1.slice(-4)}`));
    await app.screenshot("dashboard-certificate-connection");

    const lookup = spawnSync("secret-tool", ["lookup", "service", "Mailferry", "username", keyAccount(sha1)]);
    assert.equal(lookup.status, 0, "the private key is in the keychain");
    assert.ok(lookup.stdout.length > 1000, `a PKCS#8 RSA-2048 key (${lookup.stdout.length} bytes)`);
    const keyDer = execFileSync("openssl", ["pkey", "-in", join(dir, "key.pem"), "-outform", "DER"]);
    const root = process.env.MAILFERRY_KEYRING_ROOT;
    // The last 64 bytes of the PKCS#8 key are private (the CRT coefficient); the modulus is
    // public and rightly stored with the certificate.
    assert.deepEqual(filesContaining(root, keyDer.subarray(keyDer.length - 64)), [], "no file holds the private key in the clear");
    assert.deepEqual(filesContaining(root, PFX_PASSWORD), [], "nor the PFX password");
  });

  it("takes the certificate and its key away with the connection", async () => {
    await app.manageConnections();
    await app.press("Delete Contoso certificate");
    await app.press("OK");
    await app.containing("No source connections yet");
    const lookup = spawnSync("secret-tool", ["lookup", "service", "Mailferry", "username", keyAccount(sha1)]);
    assert.notEqual(lookup.status, 0, "the key left the keychain");
  });
});
