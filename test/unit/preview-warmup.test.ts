// The engine's warm-up (warm()): it runs its plan's passes at the plan's lengths once per session, a Run (or
// ready()) ends it after the pass under way and never overlaps a pass of its own with it, and a failing warm-up
// leaves the error for the run to report. A fake runtime records each pass's length and any overlap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PreviewEngine, WARMUP_PLAN, type PreviewAssets } from '../../core/preview/engine';
import { parseNeedles } from '../../core/preview/probes/needle';
import type { ModelSession, PreviewRuntime } from '../../core/preview/runtime';
import { MINI_MODEL } from '../../core/preview/tables';

const MODEL_DIR = join(__dirname, '..', '..', 'media', 'model');
const assets: PreviewAssets = {
  model: new Uint8Array([1, 2, 3]),
  evalText: new Uint8Array(readFileSync(join(MODEL_DIR, 'eval.txt'))),
  needles: parseNeedles(JSON.parse(readFileSync(join(MODEL_DIR, 'needles.json'), 'utf8'))),
};

interface Recorder extends PreviewRuntime {
  lengths: number[];
  overlaps: number;
  sessions: number;
  failFrom?: number;
}

/** A runtime whose passes take `ms` of real time; counts passes that start while another is under way. */
function recorder(ms: number): Recorder {
  let busy = false;
  const rt: Recorder = {
    name: 'recording fake',
    lengths: [],
    overlaps: 0,
    sessions: 0,
    async createSession(): Promise<ModelSession> {
      rt.sessions++;
      return {
        forward: async ({ ids }) => {
          if (busy) rt.overlaps++;
          busy = true;
          rt.lengths.push(ids.length);
          await new Promise((r) => setTimeout(r, ms));
          busy = false;
          if (rt.failFrom !== undefined && rt.lengths.length >= rt.failFrom) throw new Error('fake pass failure');
          return new Float32Array(ids.length * 256);
        },
        release: async () => undefined,
      };
    },
  };
  return rt;
}

const L0 = MINI_MODEL.originalLength;

describe('preview warm-up', () => {
  it('runs the default plan once per session, at its lengths (multiples of L0)', async () => {
    const rt = recorder(1);
    const engine = new PreviewEngine(rt, assets);
    await engine.warm();
    const expected = WARMUP_PLAN.flatMap(([k, n]) => Array<number>(n).fill(k * L0));
    assert.deepEqual(rt.lengths, expected);
    await engine.warm();
    assert.equal(rt.lengths.length, expected.length, 'a second warm() on the same session runs no pass');
    assert.equal(rt.sessions, 1);
    await engine.dispose();
  });

  it('a run that starts during the warm-up ends it after the pass under way, with no overlapping pass', async () => {
    const rt = recorder(15);
    const engine = new PreviewEngine(rt, assets);
    const warming = engine.warm([[1, 1000]]);
    while (rt.lengths.length < 2) await new Promise((r) => setTimeout(r, 5));
    const r = await engine.run({ methods: ['none'], lengths: ['1x'], needles: 2, evalBytes: L0 });
    await warming;
    assert.equal(rt.overlaps, 0);
    assert.equal(r.results[0]!.needles, 2);
    const warmPasses = rt.lengths.length - r.timings.forwardPasses;
    assert.ok(warmPasses >= 2 && warmPasses <= 4, `${warmPasses} warm-up passes of 1000 ran before the run took over`);
    await engine.dispose();
  });

  it('ready() loads the model and keeps a warm-up from starting', async () => {
    const rt = recorder(1);
    const engine = new PreviewEngine(rt, assets);
    await engine.ready();
    await engine.warm();
    assert.equal(rt.sessions, 1);
    assert.deepEqual(rt.lengths, []);
    await engine.dispose();
  });

  it('a failing warm-up pass does not reject warm(); the run reports the failure', async () => {
    const rt = recorder(1);
    rt.failFrom = 1;
    const engine = new PreviewEngine(rt, assets);
    await engine.warm();
    await assert.rejects(engine.run({ methods: ['none'], lengths: ['1x'], needles: 1, evalBytes: L0 }), /fake pass failure/);
    await engine.dispose();
  });
});
