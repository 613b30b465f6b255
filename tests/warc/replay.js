// Open each page of a WACZ in ReplayWeb.page (served from 127.0.0.1) in
// chromium, and report what the replayed page shows.
//   node replay.js BASE_URL JOBS.json USER_DATA_DIR
// JOBS.json: [{"html": "page-0.html", "url": "<archived page URL>"}, ...]
// Prints "pid N" (chromium's PID, for the caller to stop), then one JSON
// line per job: {url, ok, title, first, images: [[src, naturalWidth]], error}.
const fs = require("fs");
const puppeteer = require("puppeteer-core");

const [base, jobsFile, userDataDir] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsFile, "utf8"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function inspect(page, job) {
  const deadline = Date.now() + 40000;
  let last = "no replay frame yet";
  while (Date.now() < deadline) {
    // The replayed page is an iframe whose address ends in mp_/<url>.
    const frame = page.frames().find((f) => f.url().includes("mp_/" + job.url));
    if (frame) {
      try {
        const r = await frame.evaluate(() => {
          const p = document.querySelector("article p, body p");
          const imgs = [...document.images];
          return {
            ready: document.readyState === "complete" && imgs.every((i) => i.complete),
            title: document.title,
            first: p ? p.textContent.trim() : null,
            images: imgs.map((i) => [i.getAttribute("src"), i.naturalWidth]),
          };
        });
        if (r.ready && r.title) return { url: job.url, ok: true, ...r };
        last = "frame not ready: " + JSON.stringify(r).slice(0, 200);
      } catch (e) {
        last = "frame: " + e.message; // navigated while evaluating: try again
      }
    } else {
      last = "frames: " + page.frames().map((f) => f.url()).join(" | ").slice(0, 400);
    }
    await sleep(250);
  }
  return { url: job.url, ok: false, error: "timed out; " + last };
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    userDataDir,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  console.log("pid " + browser.process().pid);
  try {
    for (const job of jobs) {
      const page = await browser.newPage();
      const log = [];
      page.on("console", (m) => log.push(m.text()));
      page.on("pageerror", (e) => log.push("pageerror: " + e.message));
      await page.goto(base + "/" + job.html, { waitUntil: "load", timeout: 30000 });
      const r = await inspect(page, job);
      if (!r.ok) r.console = log.slice(-10);
      console.log(JSON.stringify(r));
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e) }));
  process.exit(1);
});
