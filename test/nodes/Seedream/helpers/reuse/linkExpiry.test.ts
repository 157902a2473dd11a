import { DEFAULT_LINK_LIFE_MS, linkExpiresAt } from '../../../../../nodes/Seedream/helpers/reuse/linkExpiry';

const generatedAt = Date.UTC(2026, 11, 5, 9, 0, 0);

describe('linkExpiresAt: when a result link stops working, read from the link', () => {
	test.each([
		[
			'Volcengine TOS presigned (date + seconds)',
			'https://ark.tos-ap-southeast-1.volces.com/a.png?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Date=20261205T093000Z&X-Tos-Expires=86400&X-Tos-Signature=ab',
			Date.UTC(2026, 11, 6, 9, 30, 0),
		],
		[
			'AWS S3 presigned (date + seconds)',
			'https://bucket.s3.amazonaws.com/a.png?X-Amz-Date=20261205T080000Z&X-Amz-Expires=3600&X-Amz-Signature=ab',
			Date.UTC(2026, 11, 5, 9, 0, 0),
		],
		['X-Expires as epoch milliseconds (the emulator)', 'http://127.0.0.1:1/files/a.png?X-Expires=1796500000000&X-Signature=ab', 1796500000000],
		['Expires as epoch seconds (CloudFront)', 'https://cdn.example.com/a.png?Expires=1796500000&Signature=ab', 1796500000000],
		['X-Expires as a life in seconds', 'https://cdn.example.com/a.png?X-Expires=600', generatedAt + 600_000],
		['nothing said: 24 hours', 'https://cdn.example.com/a.png', generatedAt + DEFAULT_LINK_LIFE_MS],
		['a date without a life: 24 hours', 'https://cdn.example.com/a.png?X-Amz-Date=20261205T080000Z', generatedAt + DEFAULT_LINK_LIFE_MS],
		['not a URL: 24 hours', 'not a link', generatedAt + DEFAULT_LINK_LIFE_MS],
	])('%s', (_name, link, expected) => {
		expect(linkExpiresAt(link, generatedAt)).toBe(expected);
	});
});
