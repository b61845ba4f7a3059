// One manifest factory for both browsers: they differ only in how the background runs and
// in Firefox's add-on id.
import type { ManifestV3Export } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };

export type Browser = 'chrome' | 'firefox';

/** Fixes the unpacked Chrome extension's id (abejhokajfbhhddnepckamndjhfjleff), for tests and docs. */
const CHROME_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1l2i4pmYgKRqdDnSDnCmd7oeJY8+O1lIR/eniEdpBX2J4yJtSJWpoWt7flaz+8JsZbuJHfjgSOJgO/kie7E0VOOnZxTtvYPguLC9nAc9JiuRdteODgOjJG+TghRXV3LL7xGauhqTRG/adFzzP4pZ3C0DQ1UetiNmLj7opZe3UDt3GJaG7vYUGvRt1Ufgnu1/vtYIVS663R/MKeoigeooVRZU/fDNwdRIO9ZUedvsfUD5IWsm5KKvLLbWjwh93a5Dcf2Ygb34uB3YBlIyepwUuuj1+0r26J3MKomuBWoTxq0UyYD8+POLpBsVLPGdRoyoPp3r9jNj6C+NHasSLnGqAQIDAQAB';

export const FIREFOX_ID = 'sse-inspector@sse-inspector.dev';

export function manifest(browser: Browser): ManifestV3Export {
  // Every frame: also about:blank/srcdoc ones, and (match_origin_as_fallback) data:, blob: and
  // sandboxed srcdoc frames, which have no URL of their own to match.
  const content = { matches: ['<all_urls>'], run_at: 'document_start', all_frames: true, match_about_blank: true, match_origin_as_fallback: true };
  return {
    manifest_version: 3,
    name: 'SSE Inspector',
    version: pkg.version,
    description: pkg.description,
    icons: { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png', 48: 'icons/icon-48.png', 128: 'icons/icon-128.png' },
    devtools_page: 'src/devtools/devtools.html',
    background:
      browser === 'chrome'
        ? { service_worker: 'src/background/index.ts', type: 'module' }
        : { scripts: ['src/background/index.ts'], type: 'module' },
    content_scripts: [
      // MAIN world first: it patches EventSource before the page's first script.
      { ...content, js: ['src/content/page-hook.ts'], world: 'MAIN' },
      { ...content, js: ['src/content/bridge.ts'] },
    ],
    // webRequest: the HTTP facts of every SSE request (status, headers, failures), for all sites.
    // storage: the settings, and the session mark that tells a restarted worker from a new browser.
    permissions: ['webNavigation', 'webRequest', 'storage'],
    host_permissions: ['<all_urls>'],
    ...(browser === 'chrome'
      ? { key: CHROME_KEY }
      : {
          browser_specific_settings: {
            // 128: the first Firefox with MAIN-world content scripts.
            // Nothing captured leaves the browser.
            gecko: { id: FIREFOX_ID, strict_min_version: '128.0', data_collection_permissions: { required: ['none'] } },
          },
        }),
  };
}
