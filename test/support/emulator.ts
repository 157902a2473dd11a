import nock from 'nock';

import { createEmulator, type Emulator } from '../emulator/server';

export const EMULATOR_KEY = 'sk-emulator-secret-0123456789';

/** One emulator for a test file, reset between tests; every log line is kept for key checks. */
export function useEmulator(): { emulator: () => Emulator; credentials: () => { apiKey: string; baseUrl: string }; logs: string[] } {
	const logs: string[] = [];
	let emulator: Emulator | undefined;
	let baseUrl = '';
	beforeAll(async () => {
		// Fail at once, without a DNS lookup, if anything aims past loopback.
		nock.disableNetConnect();
		nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
		emulator = createEmulator({ apiKey: EMULATOR_KEY, logger: (line) => logs.push(line) });
		baseUrl = await emulator.start();
	});
	afterAll(async () => {
		await emulator?.stop();
	});
	beforeEach(() => emulator?.reset());
	return {
		emulator: () => emulator as Emulator,
		credentials: () => ({ apiKey: EMULATOR_KEY, baseUrl }),
		logs,
	};
}
