// Dragging a handle (a column's edge, the detail pane's splitter): the pointer is captured so
// the drag goes on outside the handle, and `onMove` gets the distance from where it began.
export function startDrag(e: PointerEvent, onMove: (dx: number, dy: number) => void): void {
  e.preventDefault();
  e.stopPropagation();
  const handle = e.currentTarget as Element;
  const { clientX: x, clientY: y } = e;
  handle.setPointerCapture(e.pointerId);
  const move = (m: Event) => onMove((m as PointerEvent).clientX - x, (m as PointerEvent).clientY - y);
  const up = () => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', up);
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', up);
}
