// Draw-at-pixel-width for the view's SVG charts: draws once at a typical sidebar width, then again whenever the frame's
// real width is known or changes. ResizeObserver callbacks run before paint, so the first frame already has the
// right size; text then renders at its CSS size instead of shrinking with a scaled viewBox.
export function fitWidth(frame: HTMLElement, draw: (width: number) => void, initial = 280): void {
  let drawn = initial;
  draw(initial);
  if (typeof ResizeObserver === 'undefined') return;
  const ro = new ResizeObserver(() => {
    if (!frame.isConnected) return ro.disconnect();
    const w = Math.floor(frame.clientWidth);
    if (w > 0 && w !== drawn) {
      drawn = w;
      draw(w);
    }
  });
  ro.observe(frame);
}
