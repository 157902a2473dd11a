import nock from 'nock';

// Every unit test: no real network, no interceptor left from an earlier test, and a request
// that no interceptor matched (a download that carried the API key, a request the test did
// not expect) fails the test that made it. jest runs several files in one process and nock's
// hook on node:http outlives a file, so it is switched on per test and off after each file.
const unmatched: string[] = [];
const onNoMatch = (request: { method?: string; host?: string; hostname?: string; path?: string }) => {
	unmatched.push(`${request.method ?? '?'} ${request.host ?? request.hostname ?? ''}${request.path ?? ''}`);
};

/** Requests of the running test that no interceptor matched. */
export function unmatchedRequests(): string[] {
	return [...unmatched];
}

beforeEach(() => {
	if (!nock.isActive()) nock.activate();
	unmatched.length = 0;
	nock.cleanAll();
	nock.disableNetConnect();
	nock.emitter.on('no match', onNoMatch);
});

afterEach(() => {
	nock.emitter.removeListener('no match', onNoMatch);
	nock.abortPendingRequests();
	nock.cleanAll();
	expect(unmatched).toEqual([]);
});

afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});
