export interface Exchange {
	request: { method: string; path: string; body?: unknown };
	response: { status: number; headers: Record<string, string | string[] | undefined>; body: unknown };
	timingMs: number;
}

export interface Download {
	format: string;
	width?: number;
	height?: number;
	bytes: number;
}

export interface Fixture {
	case: string;
	model: string | null;
	source: 'live' | 'emulator';
	note?: string;
	request: { method: string; path: string; body?: unknown };
	response: { status: number; headers: Record<string, string>; body: unknown };
	timingMs: number;
	downloads: Download[];
}

export const FIXTURE_FOLDERS: { live: string; emulator: string };
export const REDACTED: string;
export function createRecordingProxy(options: { target: string }): Promise<{ url: string; exchanges: Exchange[]; stop(): Promise<void> }>;
export function toFixture(
	exchange: Exchange,
	options: { caseId: string; model: string | null; source: 'live' | 'emulator'; secrets: string[]; downloads?: Download[]; note?: string },
): Fixture;
export function fixturePath(root: string, model: string | null, caseId: string): string;
export function writeFixture(file: string, fixture: Fixture): void;
export function readFixtures(folders?: Record<string, string>): Array<{ folder: string; file: string; fixture: Fixture }>;
export function summariseBody(body: unknown): unknown;
export function redactLink(link: string): string;
export function shapeOf(value: unknown): unknown;
export function shapeDifferences(recorded: unknown, actual: unknown, where?: string): string[];
export function answerDifferences(
	recorded: { status: number; headers: Record<string, unknown>; body: unknown },
	actual: { status: number; headers: Record<string, unknown>; body: unknown },
): string[];
export function secretsIn(text: string): string[];
