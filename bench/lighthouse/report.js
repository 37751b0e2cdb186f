// What the runs measured: the README table and the audits to fix next.

import {readFileSync, writeFileSync} from 'node:fs';

export const BEGIN = '<!-- lighthouse:begin -->';
export const END = '<!-- lighthouse:end -->';

const TARGET = {performance: 95, cls: 0.1, accessibility: 100, bestPractices: 100};

const score = (lhr, category) => Math.round(lhr.categories[category].score * 100);
const numeric = (lhr, audit) => lhr.audits[audit].numericValue;

/** The figures of one run. */
export function figures(lhr) {
  const requests = lhr.audits['network-requests'].details.items;
  return {
    performance: score(lhr, 'performance'),
    accessibility: score(lhr, 'accessibility'),
    bestPractices: score(lhr, 'best-practices'),
    lcpMs: numeric(lhr, 'largest-contentful-paint'),
    tbtMs: numeric(lhr, 'total-blocking-time'),
    cls: numeric(lhr, 'cumulative-layout-shift'),
    bytes: numeric(lhr, 'total-byte-weight'),
    wasm: requests.some(item => new URL(item.url).pathname.endsWith('.wasm')),
  };
}

/** Each figure's median over the runs (the lower middle one of an even count); WASM if any run fetched it. */
export function medianFigures(runs) {
  const median = key => runs.map(run => run[key]).sort((a, b) => a - b)[Math.floor((runs.length - 1) / 2)];
  const keys = ['performance', 'accessibility', 'bestPractices', 'lcpMs', 'tbtMs', 'cls', 'bytes'];
  return {...Object.fromEntries(keys.map(key => [key, median(key)])), wasm: runs.some(run => run.wasm)};
}

/**
 * Two rows per page, in the bench table's columns: the median performance
 * score with the median metrics, then accessibility and best practices.
 * @param {Array<{what: string, median: object, runs: Array<object>}>} pages
 */
export function markdown(pages, setting) {
  let out = `Measured by \`make lighthouse\` ${setting}.\n\n| what | measured | target | met |\n|---|---|---|---|\n`;
  for (const {what, median, runs} of pages) {
    const scores = runs.map(run => run.performance).join(', ');
    const performanceMet = median.performance >= TARGET.performance && median.cls <= TARGET.cls;
    out += row(
      `${what}: Lighthouse performance (mobile)`,
      `**${median.performance}** (runs: ${scores}); LCP ${seconds(median.lcpMs)}, TBT ${Math.round(median.tbtMs)} ms, ` +
        `CLS ${median.cls.toFixed(3)}${worstShift(median, runs)}; ${kib(median.bytes)} transferred, ${median.wasm ? 'WASM requested' : 'no WASM requested'}`,
      `performance ≥ ${TARGET.performance}, CLS ≤ ${TARGET.cls}`,
      performanceMet,
    );
    out += row(
      `${what}: accessibility, best practices`,
      `${median.accessibility}, ${median.bestPractices}`,
      `${TARGET.accessibility}, ${TARGET.bestPractices}`,
      median.accessibility >= TARGET.accessibility && median.bestPractices >= TARGET.bestPractices,
    );
  }
  return out;
}

// A layout shift in any run is one a visitor can see: named even when the median has none.
const worstShift = (median, runs) => {
  const worst = Math.max(...runs.map(run => run.cls));
  return worst.toFixed(3) === median.cls.toFixed(3) ? '' : ` (worst run ${worst.toFixed(3)})`;
};
const row = (what, measured, target, met) => `| ${what} | ${measured} | ${target} | ${met ? 'yes' : '**no**'} |\n`;
const seconds = ms => `${(ms / 1000).toFixed(2)} s`;
const kib = bytes => `${Math.round(bytes / 1024)} KiB`;

/** Replaces what is between the markers in `readme` with `table`. */
export function writeIntoReadme(readme, table) {
  const text = readFileSync(readme, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END, begin);
  if (begin < 0 || end < 0) throw new Error(`${readme} has no ${BEGIN} ... ${END} lines`);
  writeFileSync(readme, `${text.slice(0, begin + BEGIN.length)}\n${table}${text.slice(end)}`);
}

/**
 * The audits that failed in a run as its report shows them (the metrics
 * are in the table, the newer "insights" duplicate the diagnostics): the
 * performance opportunities and diagnostics, most estimated savings first,
 * then accessibility and best practices.
 */
export function failedAudits(lhr) {
  const failed = [];
  for (const [category, {auditRefs}] of Object.entries(lhr.categories)) {
    for (const {id, group} of auditRefs) {
      const audit = lhr.audits[id];
      if (group === 'metrics' || group === 'hidden' || audit.score === null || audit.score >= 0.9) continue;
      if (!['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode)) continue;
      const savingsMs = audit.details?.overallSavingsMs ?? audit.metricSavings?.LCP ?? 0;
      failed.push({category, title: audit.title, displayValue: audit.displayValue ?? '', about: about(audit), savingsMs});
    }
  }
  const order = Object.keys(lhr.categories);
  return failed.sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category) || b.savingsMs - a.savingsMs);
}

/** What an audit points at: its first item's URL, element or reason. */
function about(audit) {
  let item = audit.details?.items?.[0];
  // Tables inside a list (the LCP element's audit): the first table's item.
  if (item?.type === 'table') item = item.items?.[0];
  if (!item) return '';
  if (item.url) return new URL(item.url).pathname;
  if (item.scriptUrl) return new URL(item.scriptUrl).pathname;
  if (item.node?.selector) return `${item.node.selector} "${item.node.nodeLabel.split('\n')[0]}"`;
  return item.reason ?? '';
}
