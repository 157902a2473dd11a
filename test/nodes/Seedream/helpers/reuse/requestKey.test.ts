import { requestKey } from '../../../../../nodes/Seedream/helpers/reuse/requestKey';

const account = 'https://api.highwayapi.ai 1f2e';
const url = 'https://api.highwayapi.ai/v3/seedream-4.5';
const body = Buffer.from('{"prompt":"a kite","size":"2K","watermark":true}');

describe('requestKey', () => {
	test('a SHA-256 in hex, the same for the same request', () => {
		expect(requestKey(account, url, body)).toMatch(/^[0-9a-f]{64}$/);
		expect(requestKey(account, url, Buffer.from(body))).toBe(requestKey(account, url, body));
	});

	test('another account, model or body is another request', () => {
		const keys = new Set([
			requestKey(account, url, body),
			requestKey('https://api.highwayapi.ai 9a8b', url, body),
			requestKey(account, 'https://api.highwayapi.ai/v3/seedream-4.0', body),
			requestKey(account, url, Buffer.from('{"prompt":"a kite","size":"4K","watermark":true}')),
		]);
		expect(keys.size).toBe(4);
	});

	test('fields cannot run into each other', () => {
		expect(requestKey('a', 'b\nc', body)).not.toBe(requestKey('a\nb', 'c', body));
	});
});
