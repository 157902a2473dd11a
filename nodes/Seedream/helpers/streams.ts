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
