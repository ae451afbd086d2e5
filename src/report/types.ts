import type { ScanResult } from '../model.js';

export interface Reporter {
  id: string;
  fileName: string;
  render(result: ScanResult): string;
}
