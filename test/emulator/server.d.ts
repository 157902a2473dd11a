// Types for the emulator, for the TypeScript tests that run the node against it.

export type EmulatorFamilyModelId = 'seedream-4.5' | 'seedream-5.0-lite' | 'seedream-4.0';
export type EmulatorModelId = EmulatorFamilyModelId | 'seedream-3-0-txt2img';

/**
 * The rules the emulator enforces for one model (models.js). A `maxAspectRatio` of N allows
 * shapes whose long side is at most N times the short one: the range [1/N, N].
 */
export interface EmulatorModel {
	readonly id: EmulatorFamilyModelId;
	readonly path: string;
	readonly size: {
		readonly default: { readonly width: number; readonly height: number };
		readonly presets: Readonly<Record<string, { readonly width: number; readonly height: number }>>;
		readonly minPixels: number;
		readonly maxPixels: number;
		readonly maxAspectRatio: number;
	};
	readonly references: {
		readonly field: 'image' | 'images';
		readonly max: number;
		readonly formats: readonly string[];
		readonly maxAspectRatio: number;
		readonly maxBytes: number;
		readonly minSide: number;
		readonly maxPixels: number;
	};
	readonly sequential: {
		readonly modes: readonly string[];
		readonly maxImages: number;
		readonly maxTotal: number;
	};
	readonly optimizeModes: readonly string[];
}

/** Seedream 3.0 text-to-image: a body and an answer of its own (txt2img.js). */
export interface EmulatorTxt2imgModel {
	readonly id: 'seedream-3-0-txt2img';
	readonly path: string;
	readonly template: 'txt2img';
	readonly versions: readonly string[];
	readonly size: {
		readonly default: { readonly width: number; readonly height: number };
		readonly minSide: number;
		readonly maxSide: number;
	};
	readonly seed: { readonly min: number; readonly max: number; readonly random: number };
	readonly guidanceScale: { readonly min: number; readonly max: number; readonly default: number };
	readonly responseFormats: readonly string[];
	readonly fields: readonly string[];
	readonly references: { readonly field: null; readonly max: 0 };
}

export const MODELS: Readonly<
	Record<EmulatorFamilyModelId, EmulatorModel> & { 'seedream-3-0-txt2img': EmulatorTxt2imgModel }
>;

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
	byModel: Record<EmulatorModelId, { requests: number; generated: number }>;
}

export interface RecordedRequest {
	seq: number;
	model: EmulatorModelId;
	/** Epoch ms (the emulator's clock) when the request arrived. */
	receivedAt: number;
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
	/** Every link issued so far fails from now on: 403 expired (default) or 404 deleted. */
	revokeLinks(as?: 'expired' | 'deleted'): number;
	readonly url: string;
	readonly config: EmulatorConfig;
	readonly requests: RecordedRequest[];
	readonly downloads: RecordedDownload[];
}

export function createEmulator(
	options?: Partial<EmulatorConfig> & { logger?: (line: string) => void; now?: () => number },
): Emulator;
