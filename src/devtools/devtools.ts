// The DevTools page: it only adds our panel. The panel itself talks to the background.
import browser from 'webextension-polyfill';

// Absolute paths: Firefox resolves relative ones against this page, Chrome against the root.
void browser.devtools.panels.create('SSE', '/icons/icon-32.png', '/src/devtools/panel/panel.html');
