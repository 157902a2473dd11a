export function liveSettings(): {
	baseUrl?: string;
	apiKey?: string;
	out?: string;
	source?: 'live' | 'emulator';
	cap: number;
	summaryFile?: string;
};
