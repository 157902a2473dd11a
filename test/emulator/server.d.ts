// Types for the emulator, for the TypeScript tests that run the node against it.

export interface EmulatorFault {
	kind: string;
	count?: number;
	[param: string]: unknown;
}

export interface EmulatorConfig {
	apiKey: string;
	latencyMs: number;
	maxConcurrent: number;
	perMinute: number;
	retryAfterSeconds: number;
	resultShape: 'url' | 'object-url' | 'image_url' | 'b64_json' | 'data-uri' | 'base64';
	includeUsage: boolean;
	linkTtlMs: number;
	downloadBytesPerSecond: number;
	imageBytes: number;
	downloadRejectsAuthorization: boolean;
	maxBodyBytes: number;
	faults: EmulatorFault[];
}

export interface EmulatorStats {
	requests: number;
	generationRequests: number;
	rateLimited: number;
	generated: number;
	failedImages: number;
	downloaded: number;
	downloadedInline: number;
	downloadsTotal: number;
	inFlight: number;
	maxInFlight: number;
	abandoned: number;
	interrupted: number;
	byStatus: Record<string, number>;
}

export interface RecordedRequest {
	seq: number;
	authorization: string | null;
	contentType: string | null;
	status: number | null;
	completed: boolean;
	abandoned: boolean;
	bodyBytes: number;
	body: Record<string, unknown> | null;
	fault: string | null;
	imageIds: string[];
}

export interface RecordedDownload {
	id: string;
	path: string;
	authorizationPresent: boolean;
	headers: Record<string, string>;
	status: number | null;
	completed: boolean;
}

export interface Emulator {
	start(port?: number): Promise<string>;
	stop(): Promise<void>;
	configure(partial: Partial<EmulatorConfig>): EmulatorConfig;
	reset(): void;
	stats(): EmulatorStats;
	readonly url: string;
	readonly config: EmulatorConfig;
	readonly requests: RecordedRequest[];
	readonly downloads: RecordedDownload[];
}

export function createEmulator(
	options?: Partial<EmulatorConfig> & { logger?: (line: string) => void; now?: () => number },
): Emulator;
