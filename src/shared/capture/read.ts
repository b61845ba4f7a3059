// Reading a capture file back. (Being written: for now it only parses the JSON.)
import { ImportError, type Capture } from './capture';

export function readCapture(text: string): Capture {
  try {
    return JSON.parse(text) as Capture;
  } catch (e) {
    throw new ImportError(`Not valid JSON: ${(e as Error).message}`);
  }
}
