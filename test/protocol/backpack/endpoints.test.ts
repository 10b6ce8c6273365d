// The shared Backpack endpoint table against the paper exchange that routes it: every private endpoint
// the table names (and the client signs for) is routed by the sim and demands a signature, and a request
// signed with the table's instruction is accepted. A path or instruction renamed on one side only fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../../src/sim/index.js';
import { INSTRUCTIONS, PATHS } from '../../../src/protocol/backpack/endpoints.js';
import { PAGE_HEADERS, parsePageHeaders } from '../../../src/protocol/backpack/paging.js';
import { call, newKey } from '../../sim/helpers.js';

/** Signed endpoints of the table the paper exchange does not implement (the bot never calls them). */
const NOT_IN_SIM = new Set(['PATCH /api/v1/account', 'GET /api/v1/account/limits/order']);

let sim: RunningSim;
before(async () => {
  sim = await startSim({ port: 0, seed: 1, exchange: { model: false } });
});
after(async () => {
  await sim.stop();
});

test('every instruction key is METHOD + one of the shared paths', () => {
  const paths = new Set<string>(Object.values(PATHS));
  for (const key of Object.keys(INSTRUCTIONS)) {
    const m = /^(GET|POST|DELETE|PATCH) (\S+)$/.exec(key);
    assert.ok(m, key);
    assert.ok(paths.has(m[2]!), `${key}: path not in PATHS`);
  }
});

test('the paper exchange routes every signed endpoint of the table and refuses it unsigned', async () => {
  for (const key of Object.keys(INSTRUCTIONS)) {
    if (NOT_IN_SIM.has(key)) continue;
    const [method, path] = key.split(' ') as [string, string];
    const r = await call(sim.restUrl, method, path, method === 'GET' ? {} : { body: { symbol: 'SOL_USDC_PERP' } });
    assert.equal(r.status, 401, `${key}: ${r.text}`);
  }
});

test('a request signed with the table instruction is accepted; its paging headers parse back', async () => {
  const key = newKey();
  const ep = `GET ${PATHS.fillHistory}`;
  const r = await call(sim.restUrl, 'GET', PATHS.fillHistory, { key, instruction: INSTRUCTIONS[ep]!, params: { limit: 10 } });
  assert.equal(r.status, 200, r.text);
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => (headers[k] = v));
  assert.ok(headers[PAGE_HEADERS.total.toLowerCase()] !== undefined);
  assert.deepEqual(parsePageHeaders(headers), { total: 0, pageCount: 0, currentPage: 1, pageSize: 10 });
});

test('parsePageHeaders: digits only, first of repeated values, null when none is readable', () => {
  assert.deepEqual(parsePageHeaders({ 'x-total': ' 12 ', 'x-page-count': ['2', '9'] }), { total: 12, pageCount: 2, currentPage: null, pageSize: null });
  assert.equal(parsePageHeaders({ 'x-total': '1e3', 'x-page-size': '-1' }), null);
  assert.equal(parsePageHeaders({}), null);
});
