/**
 * Reading the start of a stream (a binary on disk, a download) on a real node:stream Readable:
 * readUpTo takes the head and lets the rest go; peek takes the head and leaves it for the next
 * reader.
 */
import { sleep } from 'n8n-workflow';

import { peek, readUpTo } from '../../../../../nodes/Seedream/helpers/binary/streams';
import { byteStream, type ByteStream } from '../../../../support/system';

const bytes = (length: number, fill = 0x61) => Buffer.alloc(length, fill);

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Lets the stream's own events (emitted on later ticks) and their readers run. */
async function settle(): Promise<void> {
	await sleep(0);
}

/** Feeds chunks one at a time, each once the reader has taken the one before, as a socket does. */
async function drip(stream: ByteStream, chunks: Buffer[], end = true): Promise<void> {
	for (const chunk of chunks) {
		await settle();
		if (stream.destroyed) return;
		stream.push(chunk);
	}
	await settle();
	if (end && !stream.destroyed) stream.push(null);
}

describe('readUpTo', () => {
	test('stops at the chunk that reaches the limit, and destroys the stream', async () => {
		const stream = byteStream([], { end: false });
		const reading = readUpTo(stream, 15);
		await drip(stream, [bytes(10, 1), bytes(10, 2), bytes(10, 3), bytes(10, 4)]);
		expect(await reading).toEqual(Buffer.concat([bytes(10, 1), bytes(10, 2)]));
		expect(stream.destroyed).toBe(true);
	});

	test('a limit met exactly takes no more chunks', async () => {
		const stream = byteStream([], { end: false });
		const reading = readUpTo(stream, 16);
		await drip(stream, [bytes(8, 1), bytes(8, 2), bytes(8, 3)]);
		expect(await reading).toHaveLength(16);
	});

	test('what is already buffered comes as one chunk, and is returned whole', async () => {
		const stream = byteStream([bytes(10, 1), bytes(10, 2), bytes(10, 3)]);
		expect(await readUpTo(stream, 15)).toHaveLength(30);
		expect(stream.destroyed).toBe(true);
	});

	test('a stream shorter than the limit is read whole', async () => {
		const stream = byteStream([bytes(5, 1), bytes(7, 2)]);
		expect(await readUpTo(stream, 1024)).toEqual(Buffer.concat([bytes(5, 1), bytes(7, 2)]));
		expect(stream.destroyed).toBe(true);
	});

	test('an empty stream gives an empty buffer', async () => {
		expect(await readUpTo(byteStream([]), 10)).toHaveLength(0);
	});

	test('chunks that arrive later are waited for', async () => {
		const stream = byteStream([bytes(4, 1)], { end: false });
		const reading = readUpTo(stream, 10);
		await settle();
		stream.push(bytes(4, 2));
		await settle();
		stream.push(bytes(4, 3));
		expect(await reading).toHaveLength(12);
	});

	test('destroys what it read, even a source that would not close itself', async () => {
		let destroyed = false;
		async function* chunks() {
			yield bytes(10);
			yield bytes(10);
		}
		const source = Object.assign(chunks(), {
			destroy: () => {
				destroyed = true;
			},
		});
		expect(await readUpTo(source, 100)).toHaveLength(20);
		expect(destroyed).toBe(true);
	});

	test('a stream that breaks rejects with its error, and is destroyed', async () => {
		const stream = byteStream([bytes(4)], { end: false });
		const reading = readUpTo(stream, 100);
		await settle();
		stream.destroy(new Error('ECONNRESET'));
		await expect(reading).rejects.toThrow('ECONNRESET');
		expect(stream.destroyed).toBe(true);
	});
});

describe('peek', () => {
	test('the head, and the same stream still holding every byte for the next reader', async () => {
		const body = [bytes(10, 1), bytes(10, 2), bytes(10, 3)];
		const stream = byteStream(body, { end: false });
		const peeked = await peek(stream, 15);
		expect(peeked.head.length).toBeGreaterThanOrEqual(15);
		expect(peeked.head.subarray(0, 15)).toEqual(Buffer.concat(body).subarray(0, 15));
		expect(peeked.stream).toBe(stream);
		stream.push(bytes(5, 4));
		stream.push(null);
		expect(await readAll(stream)).toEqual(Buffer.concat([...body, bytes(5, 4)]));
	});

	test('a body that arrives in pieces is waited for until the head is there', async () => {
		const stream = byteStream([], { end: false });
		const peeking = peek(stream, 12);
		await settle();
		stream.push(bytes(5, 1));
		await settle();
		stream.push(bytes(5, 2));
		await settle();
		stream.push(bytes(5, 3));
		const peeked = await peeking;
		expect(peeked.head).toHaveLength(15);
		stream.push(null);
		expect(await readAll(peeked.stream!)).toEqual(Buffer.concat([bytes(5, 1), bytes(5, 2), bytes(5, 3)]));
	});

	test('a body shorter than the peek: the head is all of it, and no stream is left', async () => {
		const peeked = await peek(byteStream([bytes(3, 1), bytes(4, 2)]), 100);
		expect(peeked.head).toEqual(Buffer.concat([bytes(3, 1), bytes(4, 2)]));
		expect(peeked.stream).toBeUndefined();
	});

	test('an empty body: an empty head, no stream', async () => {
		const peeked = await peek(byteStream([]), 10);
		expect(peeked.head).toHaveLength(0);
		expect(peeked.stream).toBeUndefined();
	});

	test('a body exactly as long as the peek: every byte is still there for the next reader', async () => {
		const body = Buffer.concat([bytes(6, 1), bytes(6, 2)]);
		const peeked = await peek(byteStream([body.subarray(0, 6), body.subarray(6)]), 12);
		expect(peeked.head).toEqual(body);
		const rest = peeked.stream ? await readAll(peeked.stream) : peeked.head;
		expect(rest).toEqual(body);
	});

	test('a body that breaks while peeking rejects with its error', async () => {
		const stream = byteStream([bytes(4)], { end: false });
		const peeking = peek(stream, 100);
		await settle();
		stream.destroy(new Error('socket hang up'));
		await expect(peeking).rejects.toThrow('socket hang up');
	});

	test('peeking leaves no listeners behind', async () => {
		const stream = byteStream([], { end: false });
		const peeking = peek(stream, 8);
		await settle();
		stream.push(bytes(4));
		await settle();
		stream.push(bytes(4));
		await peeking;
		const counts = ['readable', 'end', 'error'].map((event) => stream.listenerCount(event));
		expect(counts).toEqual([0, 0, 0]);
	});
});
