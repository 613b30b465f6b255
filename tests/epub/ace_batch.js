'use strict';
// Ace by DAISY on several EPUBs in one node process, with one Chromium
// for all of them (ace-cli takes one book and starts a browser each time).
// Usage: node ace_batch.js OUTDIR EPUB...   (NODE_PATH = Ace's node_modules)
// Prints one JSON line per book:
//   {"epub": PATH, "violations": [[impact, rule, file, description], ...]}
// or {"epub": PATH, "error": MESSAGE}.
const path = require('path');
const logger = require('@daisy/ace-logger');
const ace = require('@daisy/ace-core');
const runner = require('@daisy/ace-axe-runner-puppeteer');

const launch = runner.launch.bind(runner), close = runner.close.bind(runner);
let launched = false;
runner.launch = async () => { if (!launched) { await launch(); launched = true; } };
runner.close = async () => {};

function violations(report) {
  const out = [];
  for (const a of report.assertions || [])
    for (const t of a.assertions || [])
      if (t['earl:result']['earl:outcome'] === 'fail')
        out.push([t['earl:test']['earl:impact'], t['earl:test']['dct:title'],
                  (a['earl:testSubject'] || {}).url || '',
                  (t['earl:result']['dct:description'] || '').slice(0, 300)]);
  return out;
}

(async () => {
  const [outRoot, ...epubs] = process.argv.slice(2);
  logger.initLogger({ verbose: false, silent: true });
  let i = 0;
  for (const epub of epubs) {
    const outdir = path.join(outRoot, String(i++));
    try {
      const job = await ace(epub, { cwd: process.cwd(), outdir, silent: true, verbose: false,
                                    jobId: '', lang: 'en' }, runner);
      console.log(JSON.stringify({ epub, violations: violations(job[1]) }));
    } catch (e) {
      console.log(JSON.stringify({ epub, error: String((e && e.message) || e) }));
    }
  }
  if (launched)
    await close().catch(() => {});
  process.exit(0);
})();
