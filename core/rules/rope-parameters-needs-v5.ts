import type { Rule } from './types';
import { migrateToV4 } from '../fixes/migrate';
import { siblingsOf } from '../parse/doc-index';
import { ctxNum, effectiveType, fix, isV5, make, num, tv } from './util';

export const rule: Rule = {
  id: 'rope-parameters-needs-v5',
  defaultSeverity: 'error',
  docs: {
    summary: 'A transformers 5 `rope_parameters` block in a config read by transformers 4.x (per `ropelens.transformersVersion`).',
    why: 'transformers 4.x does not know `rope_parameters`: it stores it as an unused attribute and runs plain RoPE with the top-level rope_theta (or 10000). The scaling, and a rope_theta written only inside the block, are silently lost. The same holds for vLLM versions that read `rope_scaling`/`rope_theta`.',
    frameworks: 'transformers 4.x: `rope_parameters` ignored, `rope_scaling` and top-level `rope_theta` read. transformers 5.x: `rope_parameters` read (a `rope_scaling` key is converted).',
    fix: 'Run transformers ≥ 5, or migrate the block to the 4.x form (rope_scaling + top-level rope_theta) with the quick fix.',
  },
  check(block, ctx) {
    if (isV5(ctx) || block.api !== 'v5') return [];
    const { v4, v5: siblings } = siblingsOf(ctx.doc, block.containerPath);
    if (siblings[0] !== block) return [];
    if (v4.length) return []; // mixed-rope-api
    const scaled = siblings.some((b) => { const t = effectiveType(b, ctx).type; return t !== undefined && t !== 'default'; });
    const inner = num(block.params['rope_theta']);
    const top = ctxNum(block.context.ropeTheta);
    const thetaLost = inner !== undefined && inner !== (top ?? 10000);
    const m = ctx.fixes && ctx.doc.dialect === 'json' ? migrateToV4(ctx.doc, block.containerPath) : undefined;
    const fixes = m && m.ok ? [fix('Migrate to transformers 4.x rope_scaling', m.edits, true)] : [];
    const lost = [scaled ? 'the scaling' : '', thetaLost ? `rope_theta ${inner} (uses ${top ?? 10000})` : ''].filter(Boolean).join(' and ');
    const anchor = block.layerType !== undefined ? block.span : (block.keySpan ?? block.span);
    if (lost) {
      return [make(this, block, anchor, `${tv(ctx)} does not read "rope_parameters" (a transformers 5 key): ${lost} silently lost; it runs plain RoPE from the top-level keys.`, 'error', fixes)];
    }
    return [make(this, block, anchor, `${tv(ctx)} does not read "rope_parameters" (a transformers 5 key); it uses the top-level rope_theta, which gives the same result here.`, 'warning', fixes)];
  },
};
