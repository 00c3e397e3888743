// Drives the built Mailferry app through tauri-driver (WebDriver) and WebKitWebDriver.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { Builder, By, Capabilities, Key, until } from "selenium-webdriver";

import { axeViolations, describeViolations } from "./axe.js";

export { By, Key, until };

const DRIVER_URL = process.env.TAURI_DRIVER_URL ?? "http://127.0.0.1:4444/";
export const ARTIFACTS = process.env.MAILFERRY_E2E_ARTIFACTS ?? join(process.cwd(), "test-artifacts");
const WAIT_MS = 10_000;
/** The check run's outcome when every check passed. */
export const ALL_PASSED = "All checks passed: the connection works.";
/** The outcome when everything passed but a client secret's end date, which an application
 * without Application.Read.All cannot read (and no Expires date was typed): not a pass. */
export const EXPIRY_NOT_KNOWN = "The connection works. Not known: Credential expiry.";
/** Screenshots are numbered across app restarts, in the order they were taken. */
let shots = 0;
/** How many screens axe checked in this run (printed when the app quits). */
let axeChecked = 0;

/**
 * Mailferry is single-instance: a launch while the previous instance is still shutting down
 * hands over to it and exits. Wait until no instance is left before starting a new one.
 */
async function waitForNoInstance(application) {
  const deadline = Date.now() + 30_000;
  const running = () => spawnSync("pgrep", ["-f", application]).status === 0;
  // The bus releases the single-instance name only once it has seen the old instance go.
  const nameOwned = () => {
    const reply = spawnSync("dbus-send", [
      "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
      "org.freedesktop.DBus.NameHasOwner", "string:com.mailferry.desktop.SingleInstance",
    ], { encoding: "utf8" });
    return reply.status === 0 && reply.stdout.includes("boolean true");
  };
  while (running() || nameOwned()) {
    if (Date.now() > deadline) throw new Error(`a previous ${application} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the built app; `args` go on its command line (`["--demo"]`). */
export async function launchApp(args = []) {
  const application = process.env.MAILFERRY_APP;
  if (!application) throw new Error("MAILFERRY_APP must name the built app binary (scripts/e2e.sh sets it)");
  await waitForNoInstance(application);
  const capabilities = new Capabilities();
  capabilities.set("tauri:options", { application, args });
  capabilities.setBrowserName("wry");
  const driver = await new Builder().withCapabilities(capabilities).usingServer(DRIVER_URL).build();
  return new App(driver);
}

/** XPath string literal for any text, quotes included. */
function literal(text) {
  if (!text.includes("'")) return `'${text}'`;
  return `concat('${text.split("'").join(`', "'", '`)}')`;
}

export class App {
  constructor(driver) {
    this.driver = driver;
  }

  async quit() {
    console.log(`axe: ${axeChecked} screens checked so far, no critical or serious violation`);
    await this.driver.quit();
  }

  async find(locator) {
    try {
      return await this.driver.wait(until.elementLocated(locator), WAIT_MS, `not found: ${locator}`);
    } catch (error) {
      await this.screenshot("failure", { checkAccessibility: false }).catch(() => undefined);
      throw error;
    }
  }

  async findVisible(locator) {
    const element = await this.find(locator);
    await this.driver.wait(until.elementIsVisible(element), WAIT_MS, `not visible: ${locator}`);
    return element;
  }

  /** A button by its visible text or its aria-label. */
  button(name) {
    const n = literal(name);
    return this.findVisible(By.xpath(`//button[normalize-space(.)=${n} or @aria-label=${n}]`));
  }

  /** Clicks a button, waiting while a closing dialog's backdrop still covers it. */
  async press(name) {
    await this.clickWhenFree(() => this.button(name));
  }

  async choose(menuItemName) {
    await this.clickWhenFree(() => this.menuItem(menuItemName));
  }

  async clickWhenFree(find) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        const element = await find();
        // Inside a scrolling dialog WebKitWebDriver does not scroll for us.
        await this.driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", element);
        await this.untilStill(element);
        await element.click();
        return;
      } catch (error) {
        const covered = error?.name === "ElementClickInterceptedError" || error?.name === "StaleElementReferenceError";
        if (!covered || Date.now() > deadline) throw error;
        await this.driver.sleep(100);
      }
    }
  }

  /** Waits (up to a second) until `element` stays where it is for three frames: a window that
   * is still opening or laying out moves its buttons, and a click at the old place lands on
   * whatever moved there (once, Test instead of Delete). */
  async untilStill(element) {
    await this.driver.executeAsyncScript(
      `const [element, done] = arguments;
      const deadline = performance.now() + 1000;
      let last = "", still = 0;
      const look = () => {
        const r = element.getBoundingClientRect();
        const now = [r.x, r.y, r.width, r.height].join();
        still = now === last ? still + 1 : 0;
        last = now;
        if (still >= 3 || performance.now() > deadline) done();
        else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);`,
      element,
    );
  }

  /** Opens the dropdown that a label names and picks the option whose text is `option`. */
  async chooseOption(label, option) {
    await (await this.field(label)).click();
    await this.clickWhenFree(() => this.findVisible(By.xpath(`//*[@role='option'][normalize-space(.)=${literal(option)}]`)));
  }

  menuItem(name) {
    return this.findVisible(By.xpath(`//*[@role='menuitem'][normalize-space(.)=${literal(name)}]`));
  }

  /** The input that a visible label names (label text starts with `label`). */
  async field(label) {
    const labelElement = await this.findVisible(By.xpath(`//label[starts-with(normalize-space(.), ${literal(label)})]`));
    const id = await labelElement.getAttribute("for");
    return this.findVisible(By.id(id));
  }

  /** Settings > New > Office 365 connection on a card: the wizard's dialog. */
  async newConnectionWizard(role = "source") {
    await this.press(`Settings for ${role} connections`);
    await this.choose("New");
    await this.choose("Office 365 connection");
    return this.dialog(`New Office 365 ${role} connection`);
  }

  /** Settings > Manage connections on a card: the window's dialog. */
  async manageConnections(role = "source") {
    await this.press(`Settings for ${role} connections`);
    await this.choose("Manage connections");
    return this.dialog(`Manage ${role} connections`);
  }

  /** Configure, the run's outcome (`outcome`: every check passed, by default), Finish, and OK
   * in Manage connections: a verified connection saved. */
  async configureAndSave(role = "source", outcome = ALL_PASSED) {
    await this.press("Configure");
    await this.text(outcome);
    await this.press("Finish");
    await this.dialog(`Manage ${role} connections`);
    await this.press("OK");
    await this.gone(By.xpath("//*[@role='dialog']"));
  }

  /**
   * In the open connection wizard: Manual registration with a client secret, Configure (every
   * check passes; a pasted secret's end date is not known) and Finish.
   */
  async addManualConnection({ role, name, mailbox, clientId, tenant, secret }) {
    await this.dialog(`New Office 365 ${role} connection`);
    await this.radio("Manual registration");
    await this.press("Next");
    await this.type(await this.field("Connection name"), name);
    await this.type(await this.field("Dedicated application mailbox"), mailbox);
    await this.type(await this.field("Application (client) ID"), clientId);
    await this.type(await this.field("Directory (tenant) ID"), tenant);
    await this.type(await this.field("Client secret (Value)"), secret);
    await this.press("Next");
    await this.press("Configure");
    await this.text(EXPIRY_NOT_KNOWN);
    await this.press("Finish");
  }

  /** Chooses the radio button whose label starts with `label`. */
  async radio(label) {
    const find = () => this.findVisible(By.xpath(`//label[starts-with(normalize-space(.), ${literal(label)})]`));
    // A click that lands while the dialog is still settling chooses nothing: click until chosen.
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      await this.clickWhenFree(find);
      const id = await (await find()).getAttribute("for");
      if (!id || (await this.driver.findElement(By.id(id)).isSelected())) return;
      if (Date.now() > deadline) throw new Error(`"${label}" could not be chosen`);
      await this.driver.sleep(100);
    }
  }

  text(text) {
    return this.findVisible(By.xpath(`//*[normalize-space(text())=${literal(text)}]`));
  }

  containing(text) {
    return this.findVisible(By.xpath(`//*[contains(normalize-space(.), ${literal(text)})][not(*[contains(normalize-space(.), ${literal(text)})])]`));
  }

  async gone(locator) {
    const absent = async () => {
      try {
        return (await this.driver.findElements(locator)).length === 0;
      } catch (error) {
        // WebKitWebDriver may fail a lookup while React replaces the very nodes it matched:
        // look again.
        if (error?.name === "StaleElementReferenceError") return false;
        throw error;
      }
    };
    await this.driver.wait(absent, WAIT_MS, `still present: ${locator}`);
  }

  /** The open dialog titled `title`, checked to be exposed to assistive technology. */
  async dialog(title) {
    const heading = await this.findVisible(By.xpath(`//*[@role='dialog']//h2[normalize-space(.)=${literal(title)}]`));
    const dialog = await heading.findElement(By.xpath("ancestor::*[@role='dialog'][1]"));
    await this.driver.wait(async () => (await dialog.getAttribute("aria-hidden")) !== "true", WAIT_MS, `dialog "${title}" is aria-hidden`);
    return dialog;
  }

  async type(element, value) {
    // In the middle of a scrolled dialog, so that no sticky part covers it; a field a moving
    // layout covers for a moment is clicked again rather than failing the test.
    await this.driver.executeScript("arguments[0].scrollIntoView({ block: 'center' });", element);
    await this.untilStill(element);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await element.click();
        break;
      } catch (error) {
        if (attempt >= 5 || !["ElementNotInteractableError", "ElementClickInterceptedError"].includes(error.name)) throw error;
        await this.driver.sleep(200);
      }
    }
    // Select what is there and delete it; Key.NULL releases Control before the text is typed.
    await element.sendKeys(Key.CONTROL, "a", Key.NULL, Key.BACK_SPACE);
    await element.sendKeys(value);
  }

  /** Records every IPC call the web view makes from now on (command and body as sent). Tauri
   * defines its invoke function read-only, but posts each call to its ipc:// protocol with the
   * page's fetch, which can be wrapped: what is recorded is exactly what left the web view. */
  async recordIpc() {
    await this.driver.executeScript(`
      if (window.__ipcCalls) return;
      window.__ipcCalls = [];
      const send = window.fetch.bind(window);
      window.fetch = (resource, init) => {
        const url = typeof resource === "string" ? resource : String(resource.url ?? resource);
        if (/^(ipc:|https?:\\/\\/ipc\\.localhost)/.test(url)) {
          const command = decodeURIComponent(url.split("/").pop() ?? "");
          const body = init && typeof init.body === "string" ? init.body : String(init?.body ?? "");
          window.__ipcCalls.push({ command, args: body });
        }
        return send(resource, init);
      };
    `);
  }

  /** The IPC calls recorded since recordIpc(), oldest first. */
  async ipcCalls() {
    return this.driver.executeScript("return window.__ipcCalls ?? [];");
  }

  /**
   * The web view's picture. WebKitWebDriver takes it after the next paint, and a web view that
   * paints without compositing (Mailferry without a GPU, as under Xvfb: rendering.rs) paints
   * only when something changes: a still page would leave the command waiting for ever. A
   * pixel that changes for a few frames, out of sight, brings that paint.
   */
  async takeScreenshot() {
    await this.driver.executeScript(`
      const pixel = document.createElement("div");
      pixel.setAttribute("aria-hidden", "true");
      pixel.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;opacity:0.01";
      document.body.appendChild(pixel);
      let frames = 0;
      const step = () => {
        pixel.style.background = frames % 2 ? "#000" : "#fff";
        if (++frames < 30) requestAnimationFrame(step); else pixel.remove();
      };
      requestAnimationFrame(step);
    `);
    return this.driver.takeScreenshot();
  }

  /** A screenshot kept in the repository (the README's), written where `file` says. */
  async screenshotTo(file) {
    writeFileSync(file, await this.takeScreenshot(), "base64");
    return file;
  }

  /** A screenshot of the screen, which axe then checks: no critical or serious violation
   * (outside lib/axe.js's allow-list) may be on any screen the E2E visits. */
  async screenshot(name, { checkAccessibility = true } = {}) {
    mkdirSync(ARTIFACTS, { recursive: true });
    shots += 1;
    const file = join(ARTIFACTS, `${String(shots).padStart(2, "0")}-${name}.png`);
    writeFileSync(file, await this.takeScreenshot(), "base64");
    if (checkAccessibility) {
      const violations = await axeViolations(this.driver);
      axeChecked += 1;
      if (violations.length > 0) throw new Error(`axe on the screen "${name}":\n${describeViolations(violations)}`);
    }
    return file;
  }
}
