import { expect } from 'vitest';
import { ImportError } from '../../src/shared/capture/capture';

/** The message of the ImportError that `f` throws (any other outcome fails the test). */
export function importError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return (e as Error).message;
  }
  throw new Error('no ImportError was thrown');
}
