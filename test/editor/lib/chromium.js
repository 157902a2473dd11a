'use strict';
// Which Chromium the editor test drives: CHROME_PATH when set, else Debian's /usr/bin/chromium.
// playwright-core never downloads a browser of its own; without one the editor tests are skipped
// and `npm test` prints INSTALL_CHROMIUM.
const fs = require('node:fs');

const INSTALL_CHROMIUM = 'apt-get update && apt-get install -y chromium';
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium executable to use, or null when there is none. A CHROME_PATH that is set is taken
 * as it is: if it is wrong, the launch fails the tests instead of skipping them.
 */
function findChromium(env = process.env) {
	if (env.CHROME_PATH) return env.CHROME_PATH;
	try {
		fs.accessSync(DEBIAN_CHROMIUM, fs.constants.X_OK);
		return DEBIAN_CHROMIUM;
	} catch {
		return null;
	}
}

module.exports = { findChromium, INSTALL_CHROMIUM };
