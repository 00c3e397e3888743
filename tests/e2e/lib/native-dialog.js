// WebDriver cannot reach the system's file dialogs (GTK on Linux): these drive them with
// xdotool, as a person would type a path.
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";

function xdotool(...args) {
  return execFileSync("xdotool", args, { encoding: "utf8", timeout: 20_000 }).trim();
}

/**
 * Gives the window the keyboard. Right after it appears, X may refuse with BadMatch (the
 * window is found but not viewable yet): ask again for a few seconds, as a person would click
 * it once it is drawn.
 */
function focusWindow(window) {
  for (let attempt = 0; ; attempt += 1) {
    const focused = spawnSync("xdotool", ["windowfocus", "--sync", window], { encoding: "utf8", timeout: 20_000 });
    if (focused.status === 0) return;
    if (attempt >= 20) throw new Error(`xdotool could not focus window ${window}: ${focused.stderr}`);
    execFileSync("sleep", ["0.25"]);
  }
}

/**
 * Types `path` into the dialog titled `title` and confirms it. In an open dialog Ctrl+L opens
 * the location entry; in a save dialog the name entry takes a full path.
 */
export function chooseInNativeDialog(title, path, { kind = "open" } = {}) {
  const window = xdotool("search", "--sync", "--onlyvisible", "--name", title).split("\n")[0];
  focusWindow(window);
  xdotool("key", "--clearmodifiers", kind === "open" ? "ctrl+l" : "ctrl+a");
  xdotool("type", "--delay", "20", path);
  if (process.env.MAILFERRY_E2E_ARTIFACTS) {
    spawnSync("import", ["-window", "root", join(process.env.MAILFERRY_E2E_ARTIFACTS, `native-${kind}-dialog.png`)]);
  }
  // GTK completes the typed path before it accepts it: give it a moment, then confirm until
  // the dialog is gone, as a person pressing Enter again would.
  for (let attempt = 0; attempt < 10; attempt += 1) {
    execFileSync("sleep", ["0.5"]);
    const open = spawnSync("xdotool", ["search", "--onlyvisible", "--name", title], { encoding: "utf8" });
    if (open.status !== 0 || open.stdout.trim() === "") return;
    focusWindow(window);
    xdotool("key", "Return");
  }
  throw new Error(`the "${title}" dialog did not accept the path`);
}
