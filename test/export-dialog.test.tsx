// @vitest-environment happy-dom
// The export dialog and the file banner as the user meets them: the choices, what redaction will
// replace (said before anything is written), and a refused file's message.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/devtools/panel/App';
import { ExportDialog } from '../src/devtools/panel/ExportDialog';
import type { ExportFile } from '../src/devtools/panel/export';
import { PanelStore } from '../src/devtools/panel/store';
import { capturedLog } from './support/capture-log';

afterEach(cleanup);

const ENV = () => ({ now: new Date(2026, 10, 21, 14, 3, 7), tool: 'SSE Inspector 0.1.0', userAgent: 'test' });
function storeOf(): PanelStore {
  const store = new PanelStore();
  store.apply({ kind: 'snapshot', tabId: 1, ...capturedLog() });
  return store;
}

describe('ExportDialog', () => {
  it('says what redaction replaces, and writes the file chosen when saved', () => {
    const store = storeOf();
    const onExport = vi.fn<(file: ExportFile) => void>();
    const onClose = vi.fn();
    render(<ExportDialog store={store} env={ENV} onExport={onExport} onClose={onClose} />);
    const said = () => screen.getByTestId('export-redacted').textContent;
    expect(said()).toMatch(/^Replaced by \[REDACTED\]: access_token query parameter \(1\), .*Authorization header \(1\)/);
    // No stream selected: that scope cannot be chosen.
    expect((screen.getByTestId('export-scope-stream') as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('export-redact'));
    expect(said()).toMatch(/^Nothing is redacted/);
    fireEvent.click(screen.getByTestId('export-format-har'));
    fireEvent.click(screen.getByTestId('export-save'));
    expect(onClose).toHaveBeenCalled();
    const file = onExport.mock.calls[0]![0];
    expect(file.name).toBe('sse-127.0.0.1_8080-2026-11-21-140307.har');
    expect(file.text()).toContain('Bearer sk-live-123');
  });

  it('raw SSE needs one stream: without a selection it says so and cannot save', () => {
    render(<ExportDialog store={storeOf()} env={ENV} onExport={() => undefined} onClose={() => undefined} />);
    fireEvent.click(screen.getByTestId('export-format-sse'));
    expect(screen.getByText(/Select a stream first/)).toBeTruthy();
    expect((screen.getByTestId('export-save') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByTestId('export-redact')).toBeNull();
  });
});

describe('the file banner', () => {
  it('a file shown: its name, where it came from, and the way back to the live capture', async () => {
    const store = storeOf();
    const onLive = vi.fn();
    render(<App store={store} onSettings={async () => undefined} exportEnv={ENV} live={{ onClear: () => undefined, onLive }} />);
    expect(screen.queryByTestId('pause')).toBeTruthy();
    const log = capturedLog();
    store.showImport({ name: 'bug.sse-capture.json', format: 'capture', log, info: { format: 'sse-inspector-capture', version: 1, exportedAt: '2026-11-21T12:00:00.000Z', exportedBy: { tool: 't', userAgent: 'u' }, pageUrl: 'http://x/', scope: 'all', redacted: ['Cookie header (1)'] } });
    const banner = await screen.findByTestId('import-banner');
    expect(banner.textContent).toMatch(/Showing capture bug\.sse-capture\.json \(exported .*; from http:\/\/x\/; redacted: Cookie header \(1\)\)/);
    // A file has no live controls.
    expect(screen.queryByTestId('pause')).toBeNull();
    expect(screen.queryByTestId('clear')).toBeNull();
    fireEvent.click(screen.getByTestId('back-to-live'));
    expect(onLive).toHaveBeenCalled();
    expect(store.imported).toBeNull();
  });

  it('a refused file: the message, and the capture shown unchanged', async () => {
    const store = storeOf();
    render(<App store={store} onSettings={async () => undefined} exportEnv={ENV} live={{ onClear: () => undefined, onLive: () => undefined }} />);
    const input = screen.getByTestId('import-file') as HTMLInputElement;
    const file = new File(['{"format": "sse-inspector-capture", "version": 3}'], 'new.sse-capture.json');
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Cannot open new.sse-capture.json: it was written by a newer SSE Inspector (capture version 3)');
    expect(store.events).toHaveLength(capturedLog().events.length);
    expect(store.imported).toBeNull();
  });

  it('the viewer (no live capture) welcomes until a file is opened', () => {
    render(<App store={new PanelStore()} onSettings={async () => undefined} exportEnv={ENV} />);
    expect(screen.getByTestId('welcome').textContent).toContain('Open a capture');
    expect(screen.queryByTestId('pause')).toBeNull();
  });
});
