import { useEffect, useState } from 'preact/hooks';
import type { PanelStore } from './store';

/** Re-renders the calling view when the store changes, at most every RENDER_INTERVAL_MS. */
const RENDER_INTERVAL_MS = 30;

export function useStore(store: PanelStore): void {
  const [, setVersion] = useState(0);
  const renderedVersion = store.version;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rerender = () => {
      // A timer, not requestAnimationFrame: rAF stops in hidden panels and background tabs.
      timer ??= setTimeout(() => {
        timer = undefined;
        setVersion(store.version);
      }, RENDER_INTERVAL_MS);
    };
    const unsubscribe = store.subscribe(rerender);
    // Effects run after paint: a change between the render and now would otherwise be missed.
    if (store.version !== renderedVersion) rerender();
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);
}
