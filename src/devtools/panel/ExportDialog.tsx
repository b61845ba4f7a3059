// "Export": the format, which part of the log, and redaction (on by default, saying what it
// will replace before anything is written).
import { useMemo, useState } from 'preact/hooks';
import type { CaptureScope } from '../../shared/capture/capture';
import { buildExport, rawStream, type ExportEnv, type ExportFile, type ExportFormat } from './export';
import { count, shortUrl } from './format';
import type { PanelStore } from './store';

const FORMATS: { id: ExportFormat; label: string; note: string }[] = [
  { id: 'capture', label: 'Capture (.sse-capture.json)', note: 'Everything: opens again in SSE Inspector and its viewer, and replays with npx sse-inspector replay.' },
  { id: 'har', label: 'HAR 1.2', note: 'For HAR tools: one entry per request, events as _eventSourceMessages.' },
  { id: 'sse', label: 'Raw text/event-stream', note: 'One stream as its server sent it.' },
  { id: 'csv', label: 'CSV', note: 'The events table as shown (filter, columns, order).' },
];

export interface ExportDialogProps {
  store: PanelStore;
  env: () => ExportEnv;
  onExport: (file: ExportFile) => void;
  onClose: () => void;
}

export function ExportDialog({ store, env, onExport, onClose }: ExportDialogProps) {
  const [format, setFormat] = useState<ExportFormat>('capture');
  const [scope, setScope] = useState<CaptureScope>('all');
  const [redact, setRedact] = useState(true);
  const selected = store.selectedStream === null ? undefined : store.streams.get(store.selectedStream);
  const raw = rawStream(store);
  const rows = store.rows();
  const effectiveScope = scope === 'stream' && !selected ? 'all' : scope;
  const disabled = format === 'sse' && !raw;
  const options = { format, scope: effectiveScope, redact };
  // Prepared as the user chooses, to say what redaction replaces; written only when saved.
  const file = useMemo(() => (disabled ? null : buildExport(store, options, env())), [format, effectiveScope, redact, store.version, disabled]);
  const scopes: { id: CaptureScope; label: string; disabled?: boolean }[] = [
    { id: 'all', label: `All streams (${count(store.streams.size, 'stream')}, ${count(store.events.length, 'record')})` },
    { id: 'stream', label: selected ? `The selected stream (${shortUrl(selected.url)})` : 'The selected stream (none selected)', disabled: !selected },
    { id: 'filtered', label: `What the table shows (${count(rows.length, 'row')})` },
  ];
  return (
    <form
      class="dialog export-dialog"
      aria-label="Export"
      data-testid="export-dialog"
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}
      onSubmit={(e) => {
        e.preventDefault();
        // Prepared again: the live log may have changed since the last render.
        if (!disabled) onExport(buildExport(store, options, env()));
        onClose();
      }}
    >
      <fieldset>
        <legend>Format</legend>
        {FORMATS.map((f) => (
          <label key={f.id} title={f.note}>
            <input type="radio" name="format" value={f.id} data-testid={`export-format-${f.id}`} checked={format === f.id} onChange={() => setFormat(f.id)} />
            {f.label}
            <span class="note"> — {f.note}</span>
          </label>
        ))}
      </fieldset>
      {(format === 'capture' || format === 'har') && (
        <fieldset>
          <legend>What</legend>
          {scopes.map((s) => (
            <label key={s.id}>
              <input type="radio" name="scope" value={s.id} data-testid={`export-scope-${s.id}`} checked={effectiveScope === s.id} disabled={s.disabled} onChange={() => setScope(s.id)} />
              {s.label}
            </label>
          ))}
        </fieldset>
      )}
      {format === 'sse' && <p class="note">{raw ? `Stream: ${raw.url}` : 'Select a stream first: a raw export is one stream.'}</p>}
      {format !== 'sse' && (
        <fieldset>
          <legend>Secrets</legend>
          <label>
            <input type="checkbox" data-testid="export-redact" checked={redact} onChange={(e) => setRedact(e.currentTarget.checked)} />
            Redact credentials (Authorization, Cookie, Set-Cookie, Proxy-Authorization and API-key headers; token-like query parameters)
          </label>
          <p class="note" data-testid="export-redacted">
            {!redact
              ? 'Nothing is redacted: the file holds the headers and URLs as captured.'
              : file && file.redacted.length > 0
                ? `Replaced by [REDACTED]: ${file.redacted.join(', ')}.`
                : 'Nothing to redact was found.'}{' '}
            Event data is exported as captured.
          </p>
        </fieldset>
      )}
      <div class="dialog-buttons">
        <button type="submit" data-testid="export-save" disabled={!file}>
          Export{file ? ` ${file.name}` : ''}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
