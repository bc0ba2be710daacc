// Point markers for chart series: with a dash pattern per method (preview.css) they keep series apart without
// colour (colour-vision deficiencies, high contrast, print). SVG path data only; pure.

export type Marker =
  | 'circle'
  | 'square'
  | 'triangle'
  | 'triangle-down'
  | 'diamond'
  | 'cross'
  | 'ring'
  | 'plus'
  | 'pentagon'
  | 'square-open'
  | 'triangle-open'
  | 'diamond-open'
  | 'none';

/** Path data of a marker of radius r centred on (x, y). Filled shapes; 'cross' and 'ring' are stroked. */
export function markerPath(m: Marker, x: number, y: number, r: number): string {
  const f = (v: number) => v.toFixed(1);
  switch (m) {
    case 'circle':
    case 'ring':
      return `M${f(x - r)},${f(y)}a${f(r)},${f(r)} 0 1,0 ${f(2 * r)},0a${f(r)},${f(r)} 0 1,0 ${f(-2 * r)},0Z`;
    case 'square':
    case 'square-open': {
      const s = r * 0.9;
      return `M${f(x - s)},${f(y - s)}h${f(2 * s)}v${f(2 * s)}h${f(-2 * s)}Z`;
    }
    case 'triangle':
    case 'triangle-open':
      return `M${f(x)},${f(y - r * 1.2)}L${f(x + r * 1.1)},${f(y + r * 0.75)}L${f(x - r * 1.1)},${f(y + r * 0.75)}Z`;
    case 'triangle-down':
      return `M${f(x)},${f(y + r * 1.2)}L${f(x + r * 1.1)},${f(y - r * 0.75)}L${f(x - r * 1.1)},${f(y - r * 0.75)}Z`;
    case 'diamond':
    case 'diamond-open':
      return `M${f(x)},${f(y - r * 1.25)}L${f(x + r * 1.1)},${f(y)}L${f(x)},${f(y + r * 1.25)}L${f(x - r * 1.1)},${f(y)}Z`;
    case 'cross': {
      const s = r * 0.95;
      return `M${f(x - s)},${f(y - s)}L${f(x + s)},${f(y + s)}M${f(x + s)},${f(y - s)}L${f(x - s)},${f(y + s)}`;
    }
    case 'plus': {
      const s = r * 1.1;
      return `M${f(x - s)},${f(y)}H${f(x + s)}M${f(x)},${f(y - s)}V${f(y + s)}`;
    }
    case 'pentagon':
      return Array.from({ length: 5 }, (_, i) => {
        const a = -Math.PI / 2 + (i * 2 * Math.PI) / 5;
        return `${i ? 'L' : 'M'}${f(x + r * 1.15 * Math.cos(a))},${f(y + r * 1.15 * Math.sin(a))}`;
      }).join('') + 'Z';
    case 'none':
      return '';
  }
}

/** Stroked (outline) markers get the class "marker stroked" so CSS leaves them unfilled: the open shapes mark the
 * fine-tuned checkpoints (the same shape, filled, is the zero-shot method). */
export const strokedMarker = (m: Marker): boolean => m === 'cross' || m === 'ring' || m === 'plus' || m.endsWith('-open');
