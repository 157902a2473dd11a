import nock from 'nock';

// jest runs several test files in one process: no file may leave interceptors or a closed
// network behind for the next one.
beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});

afterAll(() => {
	nock.cleanAll();
	nock.enableNetConnect();
});
