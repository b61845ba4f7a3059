// Copying text from the panel. A DevTools panel is a frame of DevTools' own page, which does
// not delegate the Clipboard API to it: navigator.clipboard.writeText is refused there in
// Chrome. execCommand('copy') on a selected textarea works in both browsers, but only during
// the click that asked for it (Firefox), so it goes first, synchronously; the Clipboard API is
// the fallback for pages where execCommand is gone or refused.

/** Puts `text` on the clipboard; resolves to whether it got there. Call it from a click handler. */
export function copyText(text: string): Promise<boolean> {
  if (copyBySelection(text)) return Promise.resolve(true);
  return (navigator.clipboard?.writeText(text) ?? Promise.reject(new Error('no Clipboard API'))).then(
    () => true,
    () => false,
  );
}

function copyBySelection(text: string): boolean {
  // Selecting the textarea takes the focus (and the selection): give them back after.
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.cssText = 'position: fixed; top: 0; left: 0; width: 1px; height: 1px; opacity: 0';
  document.body.append(area);
  area.focus({ preventScroll: true });
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    // Refused: the Clipboard API may still do it.
  }
  area.remove();
  focused?.focus({ preventScroll: true });
  return copied;
}
