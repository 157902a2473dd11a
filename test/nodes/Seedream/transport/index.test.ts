/**
 * The pure parts of the transport: the Base URL as requests use it, and what a transport error
 * is (its code, whether it was a timeout). Sending itself is covered by the engine tests.
 */
import { errorCode, isTimeout, normaliseBaseUrl } from '../../../../nodes/Seedream/transport';

describe('normaliseBaseUrl', () => {
	test.each([
		['https://api.highwayapi.ai', 'https://api.highwayapi.ai'],
		['https://api.highwayapi.ai/', 'https://api.highwayapi.ai'],
		['  https://proxy.example.com/seedream///  ', 'https://proxy.example.com/seedream'],
		['http://localhost:8787', 'http://localhost:8787'],
		['', ''],
		[undefined, ''],
		[null, ''],
	])('%p → %p', (input, expected) => {
		expect(normaliseBaseUrl(input)).toBe(expected);
	});
});

describe('errorCode', () => {
	const withCode = (code: unknown, cause?: unknown) => Object.assign(new Error('x'), { code, cause });

	test('the error\'s own code', () => {
		expect(errorCode(withCode('ECONNRESET'))).toBe('ECONNRESET');
	});

	test('else the first code down the cause chain (n8n wraps the socket\'s error)', () => {
		const socket = withCode('ECONNREFUSED');
		const wrapped = new Error('The service refused the connection', { cause: new Error('request failed', { cause: socket }) });
		expect(errorCode(wrapped)).toBe('ECONNREFUSED');
	});

	test('an outer code wins over an inner one', () => {
		expect(errorCode(withCode('ETIMEDOUT', withCode('ECONNRESET')))).toBe('ETIMEDOUT');
	});

	test('an empty or non-text code is skipped', () => {
		expect(errorCode(withCode('', withCode('ENOTFOUND')))).toBe('ENOTFOUND');
		expect(errorCode(withCode(500, withCode('EAI_AGAIN')))).toBe('EAI_AGAIN');
	});

	test.each(['AbortError', 'CanceledError'])('%s (an aborted request) is ERR_CANCELED', (name) => {
		const aborted = Object.assign(new Error('aborted'), { name });
		expect(errorCode(aborted)).toBe('ERR_CANCELED');
		expect(errorCode(new Error('wrapped', { cause: aborted }))).toBe('ERR_CANCELED');
	});

	test('UNKNOWN when there is none, or when it is too deep to be the request\'s own', () => {
		expect(errorCode(new Error('plain'))).toBe('UNKNOWN');
		expect(errorCode(undefined)).toBe('UNKNOWN');
		expect(errorCode('socket hang up')).toBe('UNKNOWN');
		let deep: Error = withCode('ECONNRESET');
		for (let level = 0; level < 5; level++) deep = new Error(`level ${level}`, { cause: deep });
		expect(errorCode(deep)).toBe('UNKNOWN');
	});

	test('a cause that loops back on itself does not hang', () => {
		const looping = new Error('a');
		(looping as Error & { cause?: unknown }).cause = looping;
		expect(errorCode(looping)).toBe('UNKNOWN');
	});
});

describe('isTimeout', () => {
	test.each([
		['ECONNABORTED', 'timeout of 900000ms exceeded', true],
		['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443', true],
		['UNKNOWN', 'Request Timeout', true],
		['ESOCKETTIMEDOUT', 'socket timeout', true],
		['ECONNRESET', 'socket hang up', false],
		['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8787', false],
		['UNKNOWN', 'aborted', false],
	])('%s / %p → %p', (code, message, expected) => {
		expect(isTimeout(code, message)).toBe(expected);
	});
});
