// What a self-contained HTML report inlines, shared by every HTML nhiscan writes (the scan report
// here, the store's period report): Chart.js read from node_modules at write time, and the escaping
// that keeps data from the cloud inside its <script> element.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let chartJs: string | undefined;

/** The Chart.js 4 UMD bundle (MIT; its licence header is kept), for a <script> element. */
export const chartJsSource = (): string => {
  if (chartJs === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    const text = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
    // A script element ends at the first "</script": none in the bundle today; keep it that way.
    chartJs = text.replace(/<\/(script)/gi, '<\\/$1');
  }
  return chartJs;
};

/** JSON for a `<script type="application/json">` island: no "<" survives, so no "</script>" either. */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Text for HTML element content or a quoted attribute. */
export const htmlText = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
