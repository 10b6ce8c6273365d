// pm2 process file for Tier Hunter.
//
//   pm2 start ecosystem.config.cjs            # paper mode without BPX_API_KEY, live with it
//   TIERHUNTER_HOME=/srv/a pm2 start ecosystem.config.cjs
//   TIERHUNTER_PM2_APPS=./accounts.json pm2 start ecosystem.config.cjs   # several accounts / symbol groups
//
//   TIERHUNTER_RECORD_SYMBOLS=SOL_USDC_PERP,BTC_USDC_PERP pm2 start ecosystem.config.cjs   # + the tape recorder
//
// accounts.json: [{"name":"th-sol","home":"/srv/th-sol","env":{"TIERHUNTER_SYMBOLS":"SOL_USDC_PERP"}}, ...]
// Each app has its own data directory (journal, run state, control socket) and its own log.txt.
// The core runs in fork mode, one instance per account: one writer per account.
// The recorder (`tierhunter record`, app "tierhunter-record") is opt-in: it exists only while
// TIERHUNTER_RECORD_SYMBOLS is set; tapes go to TIERHUNTER_RECORD_DIR (default $TIERHUNTER_HOME/tapes),
// a new file per symbol every TIERHUNTER_RECORD_ROTATE_MINUTES (default 60). `--only tierhunter-record`
// starts it alone.
'use strict';
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');

const root = __dirname;

/** Variables read by this file only (they choose the apps), never passed to them. */
const PM2_FILE_ONLY = new Set(['TIERHUNTER_PM2_APPS', 'TIERHUNTER_RECORD_SYMBOLS', 'TIERHUNTER_RECORD_DIR', 'TIERHUNTER_RECORD_ROTATE_MINUTES']);

/** BPX_* and TIERHUNTER_* variables of the shell that runs `pm2 start` reach the app. */
function passthroughEnv() {
  const out = {};
  for (const [k, v] of Object.entries(process.env)) {
    if ((k.startsWith('BPX_') || k.startsWith('TIERHUNTER_')) && !PM2_FILE_ONLY.has(k) && v !== undefined) out[k] = v;
  }
  return out;
}

/** What every app shares: the launcher, one forked instance, restarts, timestamped merged logs. */
function launcherApp(name, args) {
  return {
    name,
    // The launcher runs dist/ (built by `npm ci`) when it matches the sources, else the sources via tsx.
    script: path.join(root, 'bin', 'tierhunter.js'),
    args,
    interpreter: 'node',
    // V8 keeps the heap near what is live (about half the RSS after hours of fills; see bin/tierhunter.js).
    interpreter_args: '--optimize-for-size',
    cwd: root,
    exec_mode: 'fork',
    instances: 1,
    autorestart: true,
    time: true,
    merge_logs: true,
  };
}

function app({ name, home, env = {} }) {
  const resolvedHome = path.resolve(home);
  return {
    ...launcherApp(name, 'run'),
    // pm2 stops with SIGINT; the core cancels every order and writes a final stats block within 8 s
    // (11 s with TIERHUNTER_FLATTEN_ON_STOP, which first closes positions with reduce-only orders).
    kill_timeout: 12000,
    // The core calls process.send('ready') after start-up reconciliation (orphans cancelled, journal replayed).
    wait_ready: true,
    listen_timeout: 60000,
    // A crash loop must not hammer the exchange: exponential back-off (up to 15 s) and a restart cap.
    exp_backoff_restart_delay: 1000,
    max_restarts: 10,
    min_uptime: 30000,
    // Exit 2 = bad configuration, 78 = deliberate halt: restarting cannot help, so pm2 must not restart.
    stop_exit_codes: [2, 78],
    max_memory_restart: '400M',
    env: {
      ...passthroughEnv(),
      ...env,
      TIERHUNTER_HOME: resolvedHome,
      TIERHUNTER_LOG_FILE: env.TIERHUNTER_LOG_FILE || process.env.TIERHUNTER_LOG_FILE || path.join(resolvedHome, 'log.txt'),
    },
  };
}

function apps() {
  const listFile = process.env.TIERHUNTER_PM2_APPS;
  if (listFile) {
    const list = JSON.parse(fs.readFileSync(path.resolve(listFile), 'utf8'));
    if (!Array.isArray(list) || list.length === 0) throw new Error(`TIERHUNTER_PM2_APPS: ${listFile} must hold a non-empty JSON array`);
    return list.map((a) => {
      if (!a || typeof a.name !== 'string' || typeof a.home !== 'string') {
        throw new Error(`TIERHUNTER_PM2_APPS: every entry needs "name" and "home" (${listFile})`);
      }
      return app({ name: a.name, home: a.home, env: a.env || {} });
    });
  }
  return [app({ name: 'tierhunter', home: process.env.TIERHUNTER_HOME || path.join(os.homedir(), '.tierhunter') })];
}

/** The tape recorder, when TIERHUNTER_RECORD_SYMBOLS asks for it (public data only: it needs no key). */
function recorderApps() {
  const symbols = (process.env.TIERHUNTER_RECORD_SYMBOLS || '').trim();
  if (!symbols) return [];
  const home = path.resolve(process.env.TIERHUNTER_HOME || path.join(os.homedir(), '.tierhunter'));
  const dir = path.resolve(process.env.TIERHUNTER_RECORD_DIR || path.join(home, 'tapes'));
  const rotate = (process.env.TIERHUNTER_RECORD_ROTATE_MINUTES || '60').trim();
  return [{
    ...launcherApp('tierhunter-record', ['record', '--symbols', symbols, '--out', dir, '--rotate-minutes', rotate]),
    // pm2 stops with SIGINT; the recorder closes every tape (footer, fsync) within a second or two.
    kill_timeout: 10000,
    // The recorder calls process.send('ready') once its markets are known and its files open.
    wait_ready: true,
    listen_timeout: 60000,
    exp_backoff_restart_delay: 1000,
    max_restarts: 50,
    min_uptime: 30000,
    // Exit 2 = bad arguments (an unknown symbol): restarting cannot help.
    stop_exit_codes: [2],
    max_memory_restart: '300M',
    env: { ...passthroughEnv(), TIERHUNTER_HOME: home },
  }];
}

module.exports = { apps: [...apps(), ...recorderApps()] };
