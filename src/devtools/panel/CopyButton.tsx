import { useEffect, useState } from 'preact/hooks';
import { copyText } from './clipboard';
import './detail.css';

/** How long "Copied" stays next to the button. */
const CONFIRM_MS = 1500;

/**
 * A button that copies `text()` (computed on click: it may be costly) and says "Copied" for a
 * moment, in a live region so a screen reader says it too.
 */
export function CopyButton({ label, text, title, testid }: { label: string; text: () => string; title?: string; testid: string }) {
  const [result, setResult] = useState<'Copied' | 'Copy failed' | ''>('');
  useEffect(() => {
    if (result === '') return;
    const timer = setTimeout(() => setResult(''), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [result]);
  // "Copied" takes the label's place in the button, which keeps its width (both share one grid
  // cell); the status region says it to screen readers.
  return (
    <>
      <button
        type="button"
        class="copy-button"
        title={title}
        aria-label={label}
        data-testid={testid}
        onClick={() => void copyText(text()).then((ok) => setResult(ok ? 'Copied' : 'Copy failed'))}
      >
        <span class={result ? 'copy-hidden' : undefined}>{label}</span>
        <span class={`copy-done${result ? '' : ' copy-hidden'}${result === 'Copy failed' ? ' copy-failed' : ''}`} aria-hidden="true">
          {result || 'Copied'}
        </span>
      </button>
      <span class="visually-hidden" role="status" data-testid={`${testid}-result`}>
        {result}
      </span>
    </>
  );
}
