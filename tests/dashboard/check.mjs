// Drives the dashboard served by `terraform-drift serve` in headless Chromium: it must show
// the scenario's drift, the attribute diff and the patch diff of a finding, and follow a scan
// live over the WebSocket. Prints one JSON line of observations; tests/serve.rs asserts them.
import { chromium } from "playwright-core";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const url = env("DASHBOARD_URL");
const token = env("DASHBOARD_TOKEN");
const address = env("EXPECT_ADDRESS");
const unmanaged = env("EXPECT_UNMANAGED");
const firstScan = env("FIRST_SCAN");
const screenshot = env("SCREENSHOT");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${url}#token=${encodeURIComponent(token)}`);
  // The drift table lists the scenario's findings.
  await page.locator("#drift-table").getByText(address, { exact: true }).waitFor({ timeout: 30000 });
  await page.locator("#drift-table").getByText(unmanaged).waitFor({ timeout: 30000 });
  result.rows_with_address = true;
  result.cards = await page.locator("#cards").innerText();
  await page.locator("#conn.live").waitFor({ timeout: 30000 });
  // Per-resource detail with the attribute diff, then the patch diff.
  await page.locator("#drift-table tr", { hasText: address }).click();
  await page.locator("#detail .attr").first().waitFor();
  result.detail = await page.locator("#detail").innerText();
  await page.locator("#preview-btn").click();
  await page.locator("#preview-diff").waitFor({ timeout: 120000 });
  result.diff = await page.locator("#preview-diff").innerText();
  // A scan started from the page is followed live: the progress panel opens and fills with
  // the listings as the WebSocket reports them (watched from inside the page, so a fast scan
  // cannot slip between two polls).
  await page.evaluate(() => {
    window.__progress = { shown: false, steps: 0 };
    const panel = document.getElementById("progress");
    new MutationObserver(() => {
      if (panel.classList.contains("on")) window.__progress.shown = true;
      const n = document.querySelectorAll("#progress-steps li").length;
      window.__progress.steps = Math.max(window.__progress.steps, n);
    }).observe(panel, { attributes: true, childList: true, subtree: true });
  });
  await page.locator("#scan-btn").click();
  await page.waitForFunction(() => window.__progress.shown, null, { timeout: 30000 });
  result.progress_seen = true;
  await page.waitForFunction(
    (first) => {
      const meta = document.getElementById("ws-meta").textContent;
      return !document.getElementById("progress").classList.contains("on") && meta.startsWith("scan-") && !meta.startsWith(first + " ");
    },
    firstScan,
    { timeout: 120000 },
  );
  result.live_scan_id = (await page.locator("#ws-meta").innerText()).split(" ")[0];
  result.progress_steps = await page.evaluate(() => window.__progress.steps);
  // The other views load and say something.
  result.tabs = {};
  for (const [tab, expect] of [["security", /security|Why/i], ["compliance", /taggable resources/], ["costs", /estimate/]]) {
    await page.locator(`#tabs button[data-tab=${tab}]`).click();
    await page.locator("#tab-body").getByText(expect).first().waitFor({ timeout: 30000 });
    result.tabs[tab] = await page.locator("#tab-body").innerText();
  }
  await page.locator("#tabs button[data-tab=drift]").click();
  await page.locator("#drift-table tr", { hasText: address }).click();
  await page.locator("#preview-btn").click();
  await page.locator("#preview-diff").waitFor({ timeout: 120000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  result.page_errors = errors;
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
