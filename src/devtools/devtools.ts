// The DevTools page: it only adds our panel. The panel itself talks to the background.
import browser from 'webextension-polyfill';

void browser.devtools.panels.create('SSE', 'icons/icon-32.png', 'src/devtools/panel/panel.html');
