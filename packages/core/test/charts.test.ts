import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extent, formatTicks, ticksOf, tickStep } from '../src/charts/scale.js';
import { chartPageSvg, chartSvg, type ChartPanel, dOutputsPanel, lossPanel, metricPanel } from '../src/index.js';

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;
const tickLabels = (svg: string) => [...svg.matchAll(/<text class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

test('ticks: round steps, no float noise, labels with the decimals their spacing needs, thousands of steps as k', () => {
  assert.equal(tickStep(0, 1, 4), 0.25);
  assert.equal(tickStep(0, 100, 5), 20);
  assert.deepEqual(ticksOf(0, 0.5, 0.1), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.deepEqual(formatTicks([0, 0.25, 0.5, 0.75, 1]), ['0', '0.25', '0.50', '0.75', '1.00']);
  assert.deepEqual(formatTicks([-2, 0, 2]), ['-2', '0', '2']);
  assert.deepEqual(formatTicks([0, 10_000, 20_000]), ['0', '10k', '20k']);
  assert.deepEqual(formatTicks([2500, 5000]), ['2.5k', '5.0k']);
  assert.deepEqual(formatTicks([0, 1e6, 2e6]), ['0', '1M', '2M']);
});

test('extent: a loop over the finite values, past the engine argument limit', () => {
  const values = Array.from({ length: 300_000 }, (_, i) => Math.sin(i));
  values.push(Number.NaN, Infinity);
  const [lo, hi] = extent(values)!;
  assert.ok(lo >= -1 && lo < -0.999 && hi <= 1 && hi > 0.999, `${lo} ${hi}`);
  assert.equal(extent([Number.NaN]), null);
});

test('chartSvg: one polyline per series, legend swatches as lines, text escaped, a long log cut to what shows', () => {
  const steps = Array.from({ length: 200_000 }, (_, i) => ({ step: i + 1, lossD: 0.7 + Math.sin(i) * 0.2, lossG: 3 + Math.cos(i), dx: 0.8, dgz1: 0.3, dgz2: 0.2 }));
  const svg = chartSvg({ ...lossPanel(steps), title: 'loss <D> & "G"' }, { width: 640, height: 240 });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="640" height="240" viewBox="0 0 640 240">/);
  assert.equal(count(svg, /<polyline /g), 2);
  assert.equal(count(svg, /<line class="swatch"/g), 2);
  assert.equal(count(svg, /<circle /g), 0, 'no dots on a curve of 200,000 steps');
  assert.ok(svg.includes('>loss &lt;D&gt; &amp; &quot;G&quot;</text>'));
  assert.ok(!svg.includes('<D>'));
  assert.ok(svg.length < 300_000, `${svg.length} characters`);
  const polyline = /<polyline class="series d" points="([^"]*)"/.exec(svg)![1]!.split(' ');
  assert.ok(polyline.length < 10_000, `${polyline.length} points`);
  // The y axis starts at 0 for losses; step labels in thousands.
  assert.equal(tickLabels(svg)[0], '0');
  assert.ok(tickLabels(svg).includes('100k'), tickLabels(svg).join(' '));

  const probabilities = chartSvg(dOutputsPanel(steps.slice(0, 30)), { width: 640, height: 150 });
  assert.equal(count(probabilities, /<polyline /g), 3);
  assert.equal(count(probabilities, /<circle /g), 90, 'a dot per point on a short curve');
  assert.match(probabilities, /class="series dgz2"[^>]*stroke-dasharray="5 4"/);
});

test('metricPanel: a dot per evaluation, the spread shaded, the floor dashed and named as the registry names it, the axis not below 0', () => {
  const evals = [3, 6, 8].map((step, i) => ({ step, eval: { fid: 90 - 30 * i, kid: 0.1, kidStd: 0.01 }, floor: { fid: 2, kid: 0.001 } }));
  const fid = metricPanel('fid', evals, { seriesLabel: 'G, 64 samples' });
  assert.deepEqual(fid.series[0]!.points, [[3, 90], [6, 60], [8, 30]]);
  assert.deepEqual(fid.floor, { value: 2, label: 'real data 2.00' });
  assert.equal(fid.note, 'lower is better');
  const svg = chartSvg(fid, { width: 300, height: 150 });
  assert.equal(count(svg, /<circle class="dot"/g), 3);
  assert.equal(count(svg, /<line class="floor"/g), 1);
  assert.equal(count(svg, /<path class="band"/g), 0, 'FID has no spread');
  assert.equal(tickLabels(svg).filter((l) => l !== 'step' && Number(l.replace('k', '')) < 0).length, 0, tickLabels(svg).join(' '));
  const kid = metricPanel('kid', evals);
  assert.deepEqual(kid.series[0]!.band, [3, 6, 8].map((step) => [step, 0.1 - 0.01, 0.1 + 0.01]));
  assert.equal(metricPanel('is', [{ step: 1, eval: { is: 2 }, floor: { is: 9.6 } }]).floor!.label, 'test set 9.60', "the registry's name for IS's floor");
  assert.equal(count(chartSvg(kid, { width: 300, height: 150 }), /<path class="band"/g), 1);
});

test('chartPageSvg: a heading and panels on cards in rows of up to three', () => {
  const panel: ChartPanel = { title: 'p', series: [{ label: 'a', colour: '#000', points: [[0, 1], [1, 2]] }] };
  const two = chartPageSvg({ title: 'dcgan report: run & co', subtitle: 'x', panels: [panel, panel] });
  const seven = chartPageSvg({ title: 't', panels: Array(7).fill(panel), fontFamily: 'DejaVu Sans' });
  assert.ok(two.width < seven.width && two.height < seven.height);
  assert.equal(count(seven.svg, /<g class="panel">/g), 7);
  assert.match(seven.svg, /^<svg [^>]*font-family="DejaVu Sans"/);
  assert.ok(two.svg.includes('dcgan report: run &amp; co'));
  assert.match(two.svg, new RegExp(`width="${two.width}" height="${two.height}"`));
});
