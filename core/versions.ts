// What each transformers release does with a rope block, as data (../shared/research/transformers-rope.md).
// Rules, the rope math and hover text read these flags; nothing else compares version numbers.

export interface TransformersVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface VersionFeatures {
  /** First release (inclusive) these features apply to. */
  since: string;
  /** The key the release writes and reads first. */
  blockKey: 'rope_scaling' | 'rope_parameters';
  /** Rope types with a validation/init function. */
  ropeTypes: readonly string[];
  /** Before 4.43: LlamaConfig accepted only {type, factor} with type linear|dynamic and raised otherwise. */
  legacyTwoKeyValidation: boolean;
  /** Rotary dim: ≤4.44 ignores head_dim; later releases prefer head_dim. */
  headDimRule: 'hidden-over-heads' | 'head-dim';
  /** Where partial_rotary_factor is read. */
  partialRotarySource: 'top-level' | 'block';
  /** 4.x warns "must be a float" for integer factors/betas; 5.x accepts ints. */
  intsAccepted: boolean;
  /** A block without any type key: 4.x raises (rope_type None), 5.x silently treats it as default. */
  missingTypeRaises: boolean;
  /** YaRN: which length the correction range is computed from, and which factor wins. */
  yarn: {
    /** 'mpe' (≤4.50: omp in the block is ignored and warned about); 'block' (omp from the block, else mpe). */
    originalLength: 'mpe' | 'block';
    /**
     * 'explicit': the factor key is used as written;
     * 'implicit-override': mpe/omp replaces factor when omp is present (4.51–4.55);
     * 'explicit-warn': explicit factor, warns whenever omp is set and mpe/omp != factor (4.56–4.57);
     * 'explicit-v5': explicit factor, warns when mpe/omp != factor and mpe/omp != 1; factor may be omitted (= mpe/omp).
     */
    factorRule: 'explicit' | 'implicit-override' | 'explicit-warn' | 'explicit-v5';
    /** mscale / mscale_all_dim honoured (4.51+). */
    mscale: boolean;
    /** `truncate` key honoured (4.55+). */
    truncate: boolean;
    /** 4.56/4.57 warn when omp is missing ("We will assume..."). */
    warnsMissingOriginal: boolean;
    /** attention_factor must be a float (5.x rejects ints too). */
    optionalKeys: readonly string[];
  };
  longrope: {
    /** <4.48: long factors when expanded (mpe) > omp at init; 4.48+: by the running sequence length. */
    select: 'expanded' | 'seq-len';
    /** 4.x reads omp from the top level only; 5.x from the block (top-level wins when present). */
    originalLength: 'top-level' | 'block';
  };
  /** dynamic accepts original_max_position_embeddings quietly (4.45–4.57); 5.x warns it is unrecognized. */
  dynamicAcceptsOriginal: boolean;
  /** Where rope_theta is read: the top level (4.x) or inside the block (5.x, which copies a top-level one in). */
  ropeThetaSource: 'top-level' | 'block';
  /** 5.x standardize_rope_params: a top-level original_max_position_embeddings overwrites the llama3/yarn/longrope block value. */
  originalFromTopLevel: boolean;
}

const V4_TYPES = ['default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3'] as const;
const V5_TYPES = ['default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3', 'proportional'] as const;

const YARN_OPT_443 = ['attention_factor', 'beta_fast', 'beta_slow'];
const YARN_OPT_451 = [...YARN_OPT_443, 'original_max_position_embeddings', 'mscale', 'mscale_all_dim'];
const YARN_OPT_455 = [...YARN_OPT_451, 'truncate'];

/** Ordered oldest first; a version uses the last entry whose `since` it reaches. */
export const VERSION_TABLE: readonly VersionFeatures[] = [
  {
    since: '4.31.0', blockKey: 'rope_scaling', ropeTypes: ['linear', 'dynamic'], legacyTwoKeyValidation: true,
    headDimRule: 'hidden-over-heads', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'mpe', factorRule: 'explicit', mscale: false, truncate: false, warnsMissingOriginal: false, optionalKeys: [] },
    longrope: { select: 'expanded', originalLength: 'top-level' }, dynamicAcceptsOriginal: false,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '4.43.0', blockKey: 'rope_scaling', ropeTypes: V4_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'hidden-over-heads', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'mpe', factorRule: 'explicit', mscale: false, truncate: false, warnsMissingOriginal: false, optionalKeys: YARN_OPT_443 },
    longrope: { select: 'expanded', originalLength: 'top-level' }, dynamicAcceptsOriginal: false,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '4.45.0', blockKey: 'rope_scaling', ropeTypes: V4_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'head-dim', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'mpe', factorRule: 'explicit', mscale: false, truncate: false, warnsMissingOriginal: false, optionalKeys: YARN_OPT_443 },
    longrope: { select: 'expanded', originalLength: 'top-level' }, dynamicAcceptsOriginal: true,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '4.48.0', blockKey: 'rope_scaling', ropeTypes: V4_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'head-dim', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'mpe', factorRule: 'explicit', mscale: false, truncate: false, warnsMissingOriginal: false, optionalKeys: YARN_OPT_443 },
    longrope: { select: 'seq-len', originalLength: 'top-level' }, dynamicAcceptsOriginal: true,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '4.51.0', blockKey: 'rope_scaling', ropeTypes: V4_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'head-dim', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'block', factorRule: 'implicit-override', mscale: true, truncate: false, warnsMissingOriginal: false, optionalKeys: YARN_OPT_451 },
    longrope: { select: 'seq-len', originalLength: 'top-level' }, dynamicAcceptsOriginal: true,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '4.55.0', blockKey: 'rope_scaling', ropeTypes: V4_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'head-dim', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'block', factorRule: 'implicit-override', mscale: true, truncate: true, warnsMissingOriginal: false, optionalKeys: YARN_OPT_455 },
    longrope: { select: 'seq-len', originalLength: 'top-level' }, dynamicAcceptsOriginal: true,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '4.56.0', blockKey: 'rope_scaling', ropeTypes: V4_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'head-dim', partialRotarySource: 'top-level', intsAccepted: false, missingTypeRaises: true,
    yarn: { originalLength: 'block', factorRule: 'explicit-warn', mscale: true, truncate: true, warnsMissingOriginal: true, optionalKeys: YARN_OPT_455 },
    longrope: { select: 'seq-len', originalLength: 'top-level' }, dynamicAcceptsOriginal: true,
    ropeThetaSource: 'top-level', originalFromTopLevel: false,
  },
  {
    since: '5.0.0', blockKey: 'rope_parameters', ropeTypes: V5_TYPES, legacyTwoKeyValidation: false,
    headDimRule: 'head-dim', partialRotarySource: 'block', intsAccepted: true, missingTypeRaises: false,
    yarn: { originalLength: 'block', factorRule: 'explicit-v5', mscale: true, truncate: true, warnsMissingOriginal: false, optionalKeys: YARN_OPT_455 },
    longrope: { select: 'seq-len', originalLength: 'block' }, dynamicAcceptsOriginal: false,
    ropeThetaSource: 'block', originalFromTopLevel: true,
  },
];

/** The version `ropelens.transformersVersion` defaults to: the newest release the research covers. */
export const LATEST_VERSION = '5.15.0';

export function parseVersion(text: string): TransformersVersion | undefined {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[.\-+].*)?\s*$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
}

export function compareVersions(a: TransformersVersion, b: TransformersVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatVersion(v: TransformersVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** The first transformers release with rope scaling (ledger: transformers.rope-scaling-introduced). */
export const FIRST_ROPE_SCALING_VERSION = '4.31.0';

/**
 * Why a `--transformers` / `ropelens.transformersVersion` value cannot be used, or undefined when it can:
 * not a version, or a release before rope scaling existed (nothing RoPE Lens says would be true of it).
 */
export function versionError(text: string): string | undefined {
  if (text.trim() === 'latest') return undefined;
  const v = parseVersion(text);
  // ledger: transformers.rope-scaling-introduced
  if (!v) return `"${text}" is not a transformers version (use e.g. 5.15.0, 4.57 or latest)`;
  if (compareVersions(v, parseVersion(FIRST_ROPE_SCALING_VERSION)!) < 0) {
    // ledger: transformers.rope-scaling-introduced
    return `transformers ${formatVersion(v)} has no rope scaling: rope_scaling first appeared in ${FIRST_ROPE_SCALING_VERSION} (PR #24653), so there is nothing to check against it`;
  }
  return undefined;
}

/** Features of a version string ("4.45", "v5.15.0", "latest"); unknown text falls back to the latest. */
export function featuresFor(version: string | TransformersVersion | undefined): VersionFeatures {
  const v = typeof version === 'string' ? parseVersion(version === 'latest' ? LATEST_VERSION : version) : version;
  const target = v ?? parseVersion(LATEST_VERSION)!;
  let found = VERSION_TABLE[0]!;
  for (const f of VERSION_TABLE) if (compareVersions(target, parseVersion(f.since)!) >= 0) found = f;
  return found;
}
