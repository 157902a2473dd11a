import type { ReadableBody } from '../../nodes/Seedream/helpers/binary/streams';

export function makeTempDir(prefix: string): string;
export function readRepoFile(path: string): string;
export function writeRepoFile(path: string, text: string): void;
export function readText(path: string): string;
export function writeText(path: string, text: string): void;
export function writeDocs(): boolean;
export function sha256(text: string): string;
export function runRepoScript(
	script: string,
	args?: string[],
	options?: { env?: Record<string, string | undefined>; input?: string },
): Promise<{ code: number | null; output: string }>;

/** A node:stream Readable in byte mode, as the tests drive it. */
export interface ByteStream extends ReadableBody {
	push(chunk: Buffer | null): boolean;
	destroy(error?: Error): void;
	readonly destroyed: boolean;
}
export function byteStream(chunks?: Buffer[], options?: { end?: boolean }): ByteStream;
