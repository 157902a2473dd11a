import { randomString } from 'n8n-workflow';

import { createEmulator, type Emulator } from '../emulator/server';

/** A fresh key per run for the local emulator; tests search every output for it. */
export const EMULATOR_KEY = `emu-${randomString(24)}`;

/** One emulator for a test file, reset between tests; every log line is kept for key checks. */
export function useEmulator(): { emulator: () => Emulator; credentials: () => { apiKey: string; baseUrl: string }; logs: string[] } {
	const logs: string[] = [];
	let emulator: Emulator | undefined;
	let baseUrl = '';
	beforeAll(async () => {
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
