// How the Source mailboxes list feels, measured in the web view on its own clock: frame gaps
// while it scrolls (as a wheel does, and in jumps across the whole list), and how long a
// search or a change of sort takes to be on screen. Printed by the specs, never asserted: a
// test machine's speed is no behaviour of Mailferry.

import { By } from "selenium-webdriver";

const SCROLLER = "[data-testid='mailbox-scroller']";

/** Median and 95th percentile of a list of milliseconds, the first gap (the start) left out. */
export function summary(gaps) {
  const sorted = gaps.slice(1).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  return { median: at(0.5), p95: at(0.95) };
}

export const describeFrames = ({ median, p95 }) => `median frame ${median.toFixed(1)} ms, 95th percentile ${p95.toFixed(1)} ms`;

/** Frame gaps of the web view when nothing moves: the baseline of this machine. */
export async function idleFrames(app) {
  const gaps = await app.driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const gaps = [];
    let last = performance.now();
    const step = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (gaps.length < 60) requestAnimationFrame(step); else done(gaps);
    };
    requestAnimationFrame(step);
  `);
  return summary(gaps);
}

/**
 * Scrolls the list from the top by `stepPx` each frame (0: a 120th of the list, so it reaches
 * the end in 120 frames) and returns the frame gaps' summary, how many rows were in the DOM
 * at the end and whether the end was reached.
 */
export async function scrollFrames(app, stepPx) {
  const frames = await app.driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const scroller = document.querySelector(${JSON.stringify(SCROLLER)});
    scroller.scrollTop = 0;
    const step = ${stepPx} || scroller.scrollHeight / 120;
    const gaps = [];
    requestAnimationFrame(() => {
      let last = performance.now();
      const tick = () => {
        const now = performance.now();
        gaps.push(now - last);
        last = now;
        scroller.scrollTop += step;
        if (gaps.length < 120) requestAnimationFrame(tick);
        else done({ gaps, rendered: scroller.querySelectorAll("[role='option']").length, atEnd: scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2 });
      };
      requestAnimationFrame(tick);
    });
  `);
  return { ...summary(frames.gaps), rendered: frames.rendered, atEnd: frames.atEnd };
}

/**
 * Types `text` into the Search field as one input event (a paste, or the last key of a word)
 * and returns the milliseconds until the next frame after the list changed (`ms`), the part of
 * them spent searching and rendering (`work`), and the first row's text and the rows drawn then.
 */
export async function searchAnswer(app, text) {
  return app.driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const label = [...document.querySelectorAll("label")].find((l) => l.textContent.trim() === "Search");
    const input = document.getElementById(label.htmlFor);
    const scroller = document.querySelector(${JSON.stringify(SCROLLER)});
    // React tracks the value it last set: the native setter makes this an edit it sees.
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    const start = performance.now();
    setValue.call(input, ${JSON.stringify(text)});
    input.dispatchEvent(new Event("input", { bubbles: true }));
    // React renders an input's change in the event: this is the search and the render.
    const work = performance.now() - start;
    const settle = () => requestAnimationFrame(() => done({
      ms: performance.now() - start,
      work,
      first: scroller.querySelector("[role='option']")?.textContent ?? "",
      rows: scroller.querySelectorAll("[role='option']").length,
    }));
    // A render React deferred would show in a later frame.
    setTimeout(settle, 0);
  `);
}

/**
 * Chooses `option` in the Sort by dropdown with a real click and returns the milliseconds from
 * the click until the next frame after the list's rows changed, and the first row's text then.
 */
export async function sortAnswer(app, option) {
  await (await app.field("Sort by")).click();
  const choice = await app.findVisible(By.xpath(`//*[@role='option'][normalize-space(.)=${JSON.stringify(option)}]`));
  await app.driver.executeScript(`
    const scroller = document.querySelector(${JSON.stringify(SCROLLER)});
    const answer = (window.__sortAnswer = { start: null, ms: null, first: null });
    document.addEventListener("click", () => { answer.start = performance.now(); }, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      observer.disconnect();
      requestAnimationFrame(() => {
        answer.ms = performance.now() - answer.start;
        answer.first = scroller.querySelector("[role='option']")?.textContent ?? "";
      });
    });
    observer.observe(scroller, { subtree: true, childList: true, characterData: true });
  `);
  await choice.click();
  await app.driver.wait(async () => (await app.driver.executeScript("return window.__sortAnswer.ms")) !== null, 30_000);
  return app.driver.executeScript("return window.__sortAnswer");
}
