import { accountId, sha256Hex } from '../../../../nodes/Seedream/helpers/account';

describe('accountId', () => {
	test('is the base URL and the SHA-256 of the key, never the key', () => {
		const id = accountId('https://api.highwayapi.ai', 'sk-secret-key');
		expect(id).toBe(`https://api.highwayapi.ai ${sha256Hex('sk-secret-key')}`);
		expect(id).not.toMatch(/sk-secret/);
	});

	test('two keys, or one key on two platforms, are two accounts', () => {
		const ids = new Set([
			accountId('https://api.highwayapi.ai', 'sk-one'),
			accountId('https://api.highwayapi.ai', 'sk-two'),
			accountId('https://api.novita.ai', 'sk-one'),
		]);
		expect(ids.size).toBe(3);
	});
});

describe('sha256Hex', () => {
	// FIPS 180-4 test vectors (NIST's "abc" and the empty message), and UTF-8 text.
	test.each([
		['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
		['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
		[
			'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
			'248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
		],
	])('%p', (text, hex) => {
		expect(sha256Hex(text)).toBe(hex);
		expect(sha256Hex(Buffer.from(text, 'utf8'))).toBe(hex);
	});
});
