// Files in and out of the panel (and the viewer): a download of an export, and opening a file
// the user picked or dropped. The formats themselves are in src/shared/capture.
import { importFile, type ImportSource } from '../../shared/capture/import';
import { ImportError } from '../../shared/capture/capture';
import type { ExportFile } from './export';
import type { PanelStore } from './store';

/** Saves `file` through the browser's downloads (an extension page may, like any page). */
export function download(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text()], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken the blob by the next task.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Opens a file in the store; on any failure the store keeps what it showed and says why. */
export async function openFile(store: PanelStore, file: ImportSource): Promise<void> {
  try {
    store.showImport(await importFile(file, store.settings.maxEvents));
  } catch (e) {
    store.setImportError(e instanceof ImportError ? e.message : `Cannot open ${file.name}: ${String(e)}`);
  }
}
