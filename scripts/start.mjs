// `npm start`: the product demo. Builds the extension, installs code-server if needed, starts it on 127.0.0.1 only
// with RoPE Lens installed and a copy of examples/ opened (or the folder given: `npm start -- /path/to/folder`),
// prints the URL and keeps running until Ctrl-C, which stops code-server's whole process group.
// The editor has a terminal, so it is not left open to every local process: code-server asks for a random password
// (printed once, beside the URL), and a folder you name opens under workspace trust (VS Code asks before trusting it).
//   ROPELENS_PORT=8080 npm start      (default: a free port)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function run(what, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm start: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`npm start: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const folderArg = process.argv[2];
if (folderArg && !(existsSync(folderArg) && statSync(folderArg).isDirectory())) {
  console.error(`npm start: ${folderArg} is not a folder`);
  process.exit(2);
}

run('build', 'npm', ['run', '--silent', 'build']);
run('code-server', 'bash', [join(root, 'scripts', 'install-code-server.sh')]);
run('launcher build', process.execPath, [join(root, 'test', 'e2e', 'build.mjs')]);

const { demoServerOptions, startCodeServer } = require(join(root, 'test', 'e2e', 'out', 'code-server.js'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cs = await startCodeServer({
  port: Number(process.env.ROPELENS_PORT) || 0,
  // Installed the way VS Code installs a .vsix: <publisher>.<name>-<version> in the extensions dir.
  installExtensions: [{ path: root, id: `${pkg.publisher}.${pkg.name}-${pkg.version}` }],
  ...demoServerOptions(Boolean(folderArg)),
});
const folder = folderArg ? resolve(folderArg) : cs.makeWorkspace('examples');
console.log(`\nRoPE Lens is running in VS Code (code-server, loopback only). Open:\n\n  ${cs.workbenchUrl(folder)}\n  password: ${cs.password}\n`);
console.log(folderArg ? `Folder: ${folder}` : `Folder: a scratch copy of examples/ (${folder}), deleted on exit.`);
console.log('Press Ctrl-C to stop.');
cs.exited.then((code) => {
  console.error(`npm start: code-server exited (${code}); log: ${cs.logFile}`);
  process.exit(1);
});
