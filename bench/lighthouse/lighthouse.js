// `make lighthouse`: Lighthouse (default mobile settings) on the release
// build's sign-in page, signed out, and on the security page, signed in as
// an account owner; the median of a few runs per page goes into a markdown
// table, printed and, with `--readme FILE`, written between its markers.
//
//   node lighthouse.js [--server target/release/latchkey] [--site-root target/site]
//                      [--chromium /usr/bin/chromium] [--runs 3]
//                      [--reports target/lighthouse] [--readme README.md]
//
// The default paths are in the repository; given ones are relative to the
// directory it is started in. Chromium is the one given (or CHROME_PATH);
// nothing is downloaded.

import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {availableParallelism, cpus, tmpdir, totalmem} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {execFileSync} from 'node:child_process';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import {failedAudits, figures, markdown, medianFigures, writeIntoReadme} from './report.js';
import {signUpOwner, startServer} from './server.js';

const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const {values: options} = parseArgs({
  options: {
    server: {type: 'string', default: join(ROOT, 'target/release/latchkey')},
    'site-root': {type: 'string', default: join(ROOT, 'target/site')},
    chromium: {type: 'string', default: process.env.CHROME_PATH || '/usr/bin/chromium'},
    runs: {type: 'string', default: '3'},
    reports: {type: 'string', default: join(ROOT, 'target/lighthouse')},
    readme: {type: 'string'},
  },
});

async function main() {
  const runs = Number.parseInt(options.runs, 10);
  if (!(runs >= 1)) throw new Error(`--runs wants a positive number, not ${options.runs}`);
  for (const path of [options.server, options['site-root'], options.chromium]) {
    if (!existsSync(path)) throw new Error(`${path} is missing (run \`make build-release\` and \`make test-deps\`)`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'latchkey-lighthouse-'));
  // A copy of the site as it is now: a build started during the run
  // replaces target/site, whose new file names this binary does not know.
  const siteRoot = join(scratch, 'site');
  cpSync(options['site-root'], siteRoot, {recursive: true});
  const server = await startServer({
    binary: resolve(options.server),
    siteRoot,
    database: join(scratch, 'lighthouse.db'),
    log: join(scratch, 'server.log'),
  });
  try {
    const cookie = await signUpOwner(server.origin);
    const pages = [
      {name: 'login', path: '/login', what: '`/login`, signed out', headers: {}},
      {name: 'security', path: '/account/security', what: '`/account/security`, signed in as the owner', headers: {Cookie: cookie}},
    ];
    mkdirSync(options.reports, {recursive: true});
    const measured = [];
    for (const page of pages) measured.push(await measure(server.origin, page, runs));

    const table = markdown(measured, setting(runs));
    process.stdout.write(table);
    if (options.readme) {
      writeIntoReadme(options.readme, table);
      console.error(`table written into ${options.readme}`);
    }
    for (const {what, failed, report} of measured) {
      console.error(`\nFailed audits on ${what} (the run with the median score; its report: ${report}):`);
      for (const audit of failed) {
        const value = audit.displayValue ? ` (${audit.displayValue})` : '';
        console.error(`  [${audit.category}] ${audit.title}${value}${audit.about ? `: ${audit.about}` : ''}`);
      }
      if (failed.length === 0) console.error('  none');
    }
  } finally {
    await server.stop();
    rmSync(scratch, {recursive: true, force: true});
  }
}

/**
 * `runs` Lighthouse runs of one page, each in a fresh Chromium: the median
 * of each figure, and the failed audits of the run with the median
 * performance score, whose report is kept.
 */
async function measure(origin, page, runs) {
  const url = `${origin}${page.path}`;
  const results = [];
  for (let i = 1; i <= runs; i++) {
    console.error(`lighthouse ${page.path}, run ${i} of ${runs}`);
    results.push(await runOnce(url, page));
  }
  const runFigures = results.map(result => figures(result.lhr));
  const byScore = results.map((_, i) => i).sort((a, b) => runFigures[a].performance - runFigures[b].performance);
  const medianRun = results[byScore[Math.floor((runs - 1) / 2)]];
  const report = join(options.reports, `${page.name}.report.html`);
  writeFileSync(report, medianRun.report);
  writeFileSync(join(options.reports, `${page.name}.report.json`), JSON.stringify(medianRun.lhr));
  return {
    what: page.what,
    median: medianFigures(runFigures),
    runs: runFigures,
    failed: failedAudits(medianRun.lhr),
    report,
  };
}

async function runOnce(url, page) {
  const flags = ['--headless=new', '--disable-dev-shm-usage'];
  // Chromium refuses its sandbox to root.
  if (process.getuid?.() === 0) flags.push('--no-sandbox');
  const chrome = await chromeLauncher.launch({chromePath: options.chromium, chromeFlags: flags, logLevel: 'error'});
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'html',
      logLevel: 'error',
      onlyCategories: CATEGORIES,
      extraHeaders: page.headers,
    });
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    check(result.lhr, page);
    return {lhr: result.lhr, report: result.report};
  } finally {
    await chrome.kill();
  }
}

/** Fails loudly when a run did not measure the page it was asked to. */
function check(lhr, page) {
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${page.path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const landed = new URL(lhr.finalDisplayedUrl).pathname;
  if (landed !== page.path) {
    throw new Error(`Lighthouse on ${page.path} ended on ${lhr.finalDisplayedUrl}: the page redirected (signed out?)`);
  }
  const requests = lhr.audits['network-requests'].details.items;
  const document = requests.find(item => item.resourceType === 'Document' && new URL(item.url).pathname === page.path);
  if (document?.statusCode !== 200) {
    throw new Error(`Lighthouse on ${page.path}: the document answered ${document?.statusCode ?? 'nothing'}`);
  }
  // The page's own files (CSS, JS, WASM): a missing one means the binary
  // and the site are from different builds.
  const origin = new URL(lhr.finalDisplayedUrl).origin;
  const failed = requests.filter(item => new URL(item.url).origin === origin && item.resourceType !== 'EventSource' && item.statusCode !== 200);
  if (failed.length > 0) {
    const list = failed.map(item => `${new URL(item.url).pathname} ${item.statusCode}`).join(', ');
    throw new Error(`Lighthouse on ${page.path}: ${list} (are ${options.server} and ${options['site-root']} from the same build?)`);
  }
  for (const category of CATEGORIES) {
    if (typeof lhr.categories[category]?.score !== 'number') {
      throw new Error(`Lighthouse on ${page.path} gave no ${category} score: ${lhr.runWarnings.join('; ')}`);
    }
  }
}

/** When, where and how it was measured, for the line above the table. */
function setting(runs) {
  const date = new Date().toISOString().slice(0, 10);
  const lighthouseVersion = JSON.parse(readFileSync(new URL('./node_modules/lighthouse/package.json', import.meta.url))).version;
  const chromium = execFileSync(options.chromium, ['--version'], {stdio: ['ignore', 'pipe', 'ignore']}).toString().trim().replace(/^Chromium\s+/, '').split(' ')[0];
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGib = Math.round(totalmem() / 1024 ** 3);
  return (
    `on ${date}, ${availableParallelism()} cores (${model}), ${memoryGib} GiB: Lighthouse ${lighthouseVersion}, ` +
    `default mobile settings (simulated slow 4G, 4× CPU slowdown), Chromium ${chromium} headless; ` +
    `the median of ${runs} runs per page, figure by figure`
  );
}

main().catch(err => {
  console.error(`lighthouse: ${err.message}`);
  process.exit(1);
});
