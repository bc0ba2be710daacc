// `npm start`'s code-server (the options scripts/start.mjs uses): without the password the URL serves the login page,
// never the workbench; with it, the workbench. Loopback only. Skipped where code-server is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerInstalled, demoServerOptions, startCodeServer } from '../e2e/code-server';

test('start.mjs starts code-server with the demo options and prints the password once beside the URL', () => {
  const src = readFileSync(join(__dirname, '..', '..', 'scripts', 'start.mjs'), 'utf8');
  assert.match(src, /\.\.\.demoServerOptions\(Boolean\(folderArg\)\)/);
  assert.equal(src.match(/cs\.password/g)?.length, 1);
  const a = demoServerOptions(true);
  const b = demoServerOptions(false);
  assert.ok(a.password && a.password.length >= 24 && a.password !== b.password, 'a fresh random password per run');
  assert.equal(a.workspaceTrust, true, 'a folder the user names opens under workspace trust');
});

test('the workbench URL without credentials does not serve the workbench', { skip: !codeServerInstalled() && 'code-server not installed (scripts/install-code-server.sh)', timeout: 90_000 }, async () => {
  const opts = demoServerOptions(true);
  const cs = await startCodeServer(opts);
  try {
    assert.match(cs.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback only');
    const url = cs.workbenchUrl(cs.makeWorkspace('auth'));
    const anon = await fetch(url, { redirect: 'manual' });
    const anonBody = await anon.text();
    assert.equal(anon.status, 302, `no credentials: redirected (got ${anon.status})`);
    assert.match(anon.headers.get('location') ?? '', /login/);
    assert.doesNotMatch(anonBody, /workbench/i);
    // The login page itself, and a wrong password, give no workbench either.
    const login = await fetch(`${cs.baseUrl}/login`);
    assert.doesNotMatch(await login.text(), /vscode-workbench-web-configuration/);
    const wrong = await fetch(`${cs.baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=wrong' });
    assert.equal(wrong.headers.get('set-cookie'), null, 'no session for a wrong password');
    // With the password: a session cookie, and the same URL serves the workbench.
    const ok = await fetch(`${cs.baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `password=${encodeURIComponent(opts.password!)}` });
    const cookie = ok.headers.get('set-cookie')?.split(';')[0];
    assert.ok(cookie, `a session cookie for the right password (status ${ok.status})`);
    const authed = await fetch(url, { redirect: 'manual', headers: { cookie } });
    assert.equal(authed.status, 200);
    assert.match(await authed.text(), /vscode-workbench-web-configuration/);
  } finally {
    cs.stop();
  }
});
