// The CliIO fakes the CLI tests share: real files under a folder, or an in-memory file table.
import { readFileSync, writeFileSync } from 'node:fs';
import type { CliIO } from '../../cli/io';

export type RecordingIO = CliIO & { out: string; err: string };

function recording(cwd: string, readFile: (p: string) => string, writeFile: (p: string, t: string) => void): RecordingIO {
  const io: RecordingIO = {
    out: '',
    err: '',
    cwd,
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    readFile,
    writeFile,
  };
  return io;
}

/** Reads and writes the real file system; records stdout and stderr. */
export function fileIO(cwd: string): RecordingIO {
  return recording(cwd, (p) => readFileSync(p, 'utf8'), (p, t) => writeFileSync(p, t));
}

/** Files from a table (ENOENT otherwise); a write fails the test unless `writable`. */
export function memoryIO(files: Record<string, string>, cwd = '/work', writable = false): RecordingIO {
  return recording(
    cwd,
    (p) => {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return files[p]!;
    },
    (p, t) => {
      if (!writable) throw new Error(`unexpected write to ${p}`);
      files[p] = t;
    },
  );
}
