'use strict';
// What scripts/verify-live.js hands the live run, read from the environment here, in plain JS,
// because linted test code may not touch `process`.
module.exports = {
	liveSettings: () => ({
		baseUrl: process.env.LIVE_BASE_URL,
		apiKey: process.env.LIVE_API_KEY,
		/** The folder the recordings go to. */
		out: process.env.LIVE_OUT,
		/** `live` (the real API) or `emulator`. */
		source: process.env.LIVE_SOURCE,
		/** The most images the run may be billed for. */
		cap: Number(process.env.LIVE_CAP),
		/** Where the run writes what it did, for the script's summary. */
		summaryFile: process.env.LIVE_SUMMARY,
	}),
};
