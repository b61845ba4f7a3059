// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyText } from '../src/devtools/panel/clipboard';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

/** happy-dom has no execCommand: this one reports what was selected when 'copy' was asked. */
function execCommand(result: boolean) {
  const seen: { command: string; selected: string | undefined; inDocument: boolean }[] = [];
  document.execCommand = (command: string) => {
    const area = document.activeElement as HTMLTextAreaElement;
    seen.push({ command, selected: area.value?.slice(area.selectionStart, area.selectionEnd), inDocument: document.body.contains(area) });
    return result;
  };
  return seen;
}

describe('copyText', () => {
  it('copies by selecting the text in a textarea, which it then removes, and gives the focus back', async () => {
    const button = document.body.appendChild(document.createElement('button'));
    button.focus();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    const seen = execCommand(true);
    expect(await copyText('line 1\nline 2')).toBe(true);
    expect(seen).toEqual([{ command: 'copy', selected: 'line 1\nline 2', inDocument: true }]);
    expect(document.querySelector('textarea')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(writeText).not.toHaveBeenCalled();
  });

  it('falls back to the Clipboard API when execCommand refuses', async () => {
    execCommand(false);
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    expect(await copyText('x')).toBe(true);
    expect(writeText).toHaveBeenCalledWith('x');
  });

  it('says so when neither can copy', async () => {
    execCommand(false);
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('blocked', 'NotAllowedError'));
    expect(await copyText('x')).toBe(false);
  });
});
