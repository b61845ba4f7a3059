import { useEffect, useState } from 'preact/hooks';
import type { PanelStore } from './store';

/** Re-renders the calling view when the store changes, at most every RENDER_INTERVAL_MS. */
const RENDER_INTERVAL_MS = 30;

export function useStore(store: PanelStore): void {
  const [, setVersion] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe(() => {
      // A timer, not requestAnimationFrame: rAF stops in hidden panels and background tabs.
      timer ??= setTimeout(() => {
        timer = undefined;
        setVersion((v) => v + 1);
      }, RENDER_INTERVAL_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);
}
