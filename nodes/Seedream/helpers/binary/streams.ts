/** A response body as n8n's HTTP helper hands it over with `encoding: 'stream'`. */
export type ReadableBody = NodeJS.ReadableStream & {
	read(): Buffer | null;
	unshift(chunk: Buffer): void;
	destroy(): void;
	readableEnded: boolean;
	once(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
};

export interface Peeked {
	/** The first bytes (for sniffing), already pushed back into `stream` unless it ended. */
	head: Buffer;
	/** The rest of the body still to be read; undefined when `head` holds all of it. */
	stream?: ReadableBody;
}

/**
 * The first `limit` bytes of a stream, or all of it when shorter (the last chunk may take it
 * past `limit`). The stream is destroyed afterwards: nothing else reads it.
 */
export async function readUpTo(
	stream: AsyncIterable<unknown> & { destroy(): unknown },
	limit: number,
): Promise<Buffer> {
	try {
		const chunks: Buffer[] = [];
		let length = 0;
		for await (const chunk of stream) {
			chunks.push(chunk as Buffer);
			length += (chunk as Buffer).length;
			if (length >= limit) break;
		}
		return Buffer.concat(chunks);
	} finally {
		stream.destroy();
	}
}

async function readable(stream: ReadableBody): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const settle = (error?: unknown) => {
			stream.off('readable', onReadable);
			stream.off('end', onReadable);
			stream.off('error', settle);
			if (error) reject(error);
			else resolve();
		};
		const onReadable = () => settle();
		stream.once('readable', onReadable);
		stream.once('end', onReadable);
		stream.once('error', settle);
	});
}

/** Reads at least `size` bytes (or to the end) without consuming them for the next reader. */
export async function peek(stream: ReadableBody, size: number): Promise<Peeked> {
	const chunks: Buffer[] = [];
	let length = 0;
	while (length < size && !stream.readableEnded) {
		const chunk = stream.read() as Buffer | null;
		if (chunk) {
			chunks.push(chunk);
			length += chunk.length;
		} else {
			await readable(stream);
		}
	}
	const head = Buffer.concat(chunks);
	if (stream.readableEnded) return { head };
	stream.unshift(head);
	return { head, stream };
}
