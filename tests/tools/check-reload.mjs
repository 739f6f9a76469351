// Opens a page served by `digest serve` in Debian's headless Chromium,
// changes a file of the site, and waits for the page to reload by itself
// and show the change.
//
// usage: node check-reload.mjs URL FILE SEARCH REPLACE EXPECT
// Replaces SEARCH with REPLACE in FILE; exits 0 once the page has reloaded
// and shows EXPECT, 1 if it has not within 20 seconds.

import fs from 'node:fs';
import { launch } from './chromium.mjs';

const [url, file, search, replace, expect] = process.argv.slice(2);
const browser = await launch();
let status = 1;
try {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  // Give the page's long-poll a moment to start before the change.
  await page.waitForTimeout(500);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(search, replace));
  await page.waitForEvent('load', { timeout: 20000 });
  const shown = (await page.content()).includes(expect);
  console.log(JSON.stringify({ reloaded: true, shown, errors }));
  status = shown && errors.length === 0 ? 0 : 1;
} catch (error) {
  console.log(JSON.stringify({ reloaded: false, error: String(error) }));
} finally {
  await browser.close();
}
process.exit(status);
