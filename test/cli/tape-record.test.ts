// The `tape` and `record` commands as an operator meets them: the launcher from a clone, --help, JSON
// field names, and one line naming the argument (exit 2) for every bad argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main as recordMain, parseRecordArgs } from '../../src/cli/record.js';
import { main as tapeMain } from '../../src/cli/tape.js';
import { SPOT, tempDir } from '../tape/helpers.js';

const BIN = fileURLToPath(new URL('../../bin/tierhunter.js', import.meta.url));
const run = promisify(execFile);

/** Run a command's main() in-process, capturing what it prints through console (not process.stdout: the test reporter writes there). */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (err += a.join(' ') + '\n');
  try {
    return { code: await fn(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('from a clone: tape import of the committed real tape, then tape stats --json with the documented fields', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const out = join(dir, 'spot.tape.gz');
  const imp = await run(process.execPath, [BIN, 'tape', 'import', '--format', 'hftbacktest', SPOT, '--out', out]);
  assert.match(imp.stdout, /binance-spot BTCUSDT spot, price scale 2, qty scale 6/);
  assert.match(imp.stdout, /41,250 events \(snapshot 1, diff 3,451, trade 9,757, bbo 28,040, mark 0, gap 1\); gap records: start-partial 1/);
  assert.match(imp.stdout, /1\.27 MB in -> 0\.\d\d MB out/);
  const { stdout } = await run(process.execPath, [BIN, 'tape', 'stats', out, '--json']);
  const j = JSON.parse(stdout) as Record<string, unknown> & { touchMarkoutBps: Record<string, number> };
  for (const k of ['durationSec', 'trades', 'tradesPerSec', 'spreadBpsMedian', 'touchMarkoutBps', 'touchDepthMedian', 'counts', 'gaps', 'complete']) assert.ok(k in j, `JSON has ${k}`);
  assert.deepEqual(Object.keys(j.touchMarkoutBps), ['1s', '10s', '60s']);
  assert.equal(j.trades, 9757);
  assert.equal(j.complete, true);
  assert.equal((j.tradesPerSec as number).toFixed(2), '28.21');
  assert.equal(Math.round(j.durationSec as number), 346);
  const text = await run(process.execPath, [BIN, 'tape', 'stats', out]);
  assert.match(text.stdout, /maker markout {3}1s -0\.47 bp · 10s -0\.42 bp · 60s \+0\.70 bp/);
  assert.match(text.stdout, /28\.21\/s/);
});

test('tape dump: header, events with exact decimals, footer; --type and --limit', async () => {
  const dir = tempDir();
  const out = join(dir, 'spot.tape.gz');
  assert.equal((await capture(() => tapeMain(['import', '--format', 'hftbacktest', SPOT, '--out', out]))).code, 0);
  const d = await run(process.execPath, [BIN, 'tape', 'dump', out, '--type', 'trade', '--limit', '2']);
  const lines = d.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3, 'header and two trades (the limit stops before the footer)');
  assert.equal((lines[0]!.header as { symbol: string }).symbol, 'BTCUSDT');
  assert.deepEqual(lines[1], { type: 'trade', localUs: 1723161254087896, exchUs: 1723161255342000, price: '61837.63', qty: '0.020000', side: 'sell', tradeId: 3735683259 });
  const all = await run(process.execPath, [BIN, 'tape', 'dump', out, '--type', 'gap']);
  const last = JSON.parse(all.stdout.trim().split('\n').at(-1)!) as { footer: { reason: string }; complete: boolean };
  assert.equal(last.footer.reason, 'import');
  assert.equal(last.complete, true);
});

test('bad arguments: one line naming the argument and the fix, exit 2', async () => {
  const dir = tempDir();
  const existing = join(dir, 'exists.tape.gz');
  writeFileSync(existing, 'x');
  const cases: Array<[string[], RegExp]> = [
    [['import', SPOT, '--out', join(dir, 'a')], /needs --format hftbacktest or --format tardis/],
    [['import', '--format', 'csv', SPOT, '--out', join(dir, 'a')], /needs --format hftbacktest or --format tardis/],
    [['import', '--format', 'hftbacktest', SPOT], /needs --out FILE/],
    [['import', '--format', 'hftbacktest', '--out', join(dir, 'a')], /at least one input file/],
    [['import', '--format', 'hftbacktest', join(dir, 'missing.gz'), '--out', join(dir, 'a')], /input .*missing\.gz does not exist/],
    [['import', '--format', 'hftbacktest', SPOT, '--out', existing], /--out .*exists; pass --force/],
    [['import', '--format', 'tardis', SPOT, '--out', join(dir, 'a'), '--market', 'future'], /--market must be perp or spot/],
    [['import', '--format', 'tardis', SPOT, '--out', join(dir, 'a'), '--tick-size', '-1'], /--tick-size must be a positive decimal/],
    [['import', '--format', 'tardis', SPOT, '--out', join(dir, 'a'), '--bogus', '1'], /unknown option --bogus/],
    [['import', '--format'], /--format needs a value/],
    [['stats'], /tape stats needs a FILE/],
    [['stats', join(dir, 'nope.tape.gz')], /tape .*nope\.tape\.gz does not exist/],
    [['stats', existing], /not a tierhunter tape/],
    [['stats', SPOT], /spot_btcusdt_20240808.gz: not a tierhunter tape .*must be imported first: tierhunter tape import/],
    [['dump', SPOT, '--limit', 'ten'], /--limit must be a whole number/],
    [['dump', SPOT, '--type', 'quote'], /--type: unknown event type quote/],
    [['replay'], /unknown subcommand "replay"/],
  ];
  for (const [argv, re] of cases) {
    const r = await capture(() => tapeMain(argv));
    assert.equal(r.code, 2, `tape ${argv.join(' ')}: exit 2 (${r.err})`);
    assert.match(r.err, re, `tape ${argv.join(' ')}`);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
  const rec: Array<[string[], RegExp]> = [
    [['--out', dir], /--symbols is required/],
    [['--symbols', 'sol-usdc', '--out', dir], /--symbols: "sol-usdc" is not a Backpack symbol/],
    [['--symbols', 'SOL_USDC,SOL_USDC', '--out', dir], /lists a symbol twice/],
    [['--symbols', 'SOL_USDC'], /--out DIR is required/],
    [['--symbols', 'SOL_USDC', '--out', dir, '--rotate-minutes', '-5'], /--rotate-minutes needs a value|--rotate-minutes must be/],
    [['--symbols', 'SOL_USDC', '--out', dir, '--rotate-minutes', 'hourly'], /--rotate-minutes must be a number of minutes/],
    [['--symbols', 'SOL_USDC', '--out', dir, '--ws-url', 'http://x'], /--ws-url must be a ws or wss URL/],
    [['--symbols', 'SOL_USDC', '--out', dir, '--loud'], /unknown argument --loud/],
  ];
  for (const [argv, re] of rec) {
    const r = await capture(() => recordMain(argv));
    assert.equal(r.code, 2, `record ${argv.join(' ')}: exit 2`);
    assert.match(r.err, re, `record ${argv.join(' ')}`);
  }
  const ok = parseRecordArgs(['--symbols', 'SOL_USDC_PERP,BTC_USDC', '--out', dir, '--rotate-minutes=0']);
  assert.deepEqual(ok, { symbols: ['SOL_USDC_PERP', 'BTC_USDC'], out: dir, rotateMinutes: 0, restUrl: null, wsUrl: null, help: false });
});

test('--help documents each command and subcommand (exit 0)', async () => {
  const t = await capture(() => tapeMain(['--help']));
  assert.equal(t.code, 0);
  for (const s of ['tape import --format hftbacktest|tardis IN... --out FILE', 'tape stats FILE [--json]', 'tape dump FILE', 'touchMarkoutBps', 'docs/TAPES.md']) assert.ok(t.out.includes(s), s);
  assert.equal((await capture(() => tapeMain(['stats', '--help']))).code, 0);
  const r = await capture(() => recordMain(['--help']));
  assert.equal(r.code, 0);
  for (const s of ['--symbols A,B', '--out DIR', '--rotate-minutes N', 'bookTicker', 'markPrice', 'SIGTERM']) assert.ok(r.out.includes(s), s);
  const top = await run(process.execPath, [BIN, '--help']);
  assert.match(top.stdout, /tape +market tapes/);
  assert.match(top.stdout, /record +record Backpack public streams/);
});
