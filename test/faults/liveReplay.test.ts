/**
 * Every recorded exchange (test/fixtures/live/, then test/fixtures/emulator-recorded/) played back
 * through the node: nock answers as the API answered, so the items asserted are what the node
 * makes of a real answer; the request the node sends today must still be the recorded one. Then
 * the same case against the emulator, through the recording proxy: the emulator must answer the
 * node's request in the recorded shape (it follows the real API, not our beliefs).
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { HighwayApi } from '../../credentials/HighwayApi.credentials';
import { MODELS } from '../../nodes/Seedream/helpers/models';
import { readImageInfo, renderPng } from '../emulator/png';
import { caseFor, liveCases, type LiveCase } from '../live/cases';
import { answerDifferences, createRecordingProxy, readFixtures, summariseBody, type Download, type Fixture } from '../live/recorder';
import { runCase } from '../live/runCase';
import { API_HOST } from '../support/apiContract';
import { useEmulator } from '../support/emulator';
import { TEST_CREDENTIALS } from '../support/engine';
import { jpeg } from '../support/images';

const { emulator, credentials } = useEmulator();
const recordings = readFixtures();

beforeAll(() => {
	if (!nock.isActive()) nock.activate();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

/** Bytes of the image a recording says was downloaded: its format and size. */
function imageLike({ format, width = 64, height = 64 }: Download): Buffer {
	if (format === 'jpeg') return jpeg(width, height);
	return renderPng({ width, height, seed: 'replay' });
}

/** The links an answer holds, in order: strings or objects with a link field. */
function linksOf(body: unknown): string[] {
	const answer = body as { images?: unknown[]; image_urls?: unknown[] };
	// Seedream 3.0 answers its links in `image_urls`; the family in `images`.
	const images = answer?.images ?? answer?.image_urls ?? [];
	return images.flatMap((entry) => {
		if (typeof entry === 'string') return /^https?:/.test(entry) ? [entry] : [];
		const record = entry as IDataObject;
		const link = record?.url ?? record?.image_url;
		return typeof link === 'string' ? [link] : [];
	});
}

/** nock answers the recorded exchange at the API, and every recorded link with its image. */
function replay(fixture: Fixture, { matchBody }: { matchBody: boolean }) {
	const { request, response } = fixture;
	const api = nock(API_HOST);
	const scope =
		request.method === 'GET'
			? api.get(request.path)
			: api.post(request.path, matchBody ? (body: unknown) => JSON.stringify(summariseBody(body)) === JSON.stringify(request.body) : () => true);
	scope.reply(response.status, response.body as nock.Body, response.headers);
	linksOf(response.body).forEach((link, position) => {
		const url = new URL(link);
		const download = fixture.downloads[position] ?? { format: 'png', bytes: 0 };
		nock(url.origin)
			.get(url.pathname)
			.query(true)
			.reply(200, imageLike(download), { 'content-type': `image/${download.format}` });
	});
}

/** The case a node can run for a recording: a raw error is replayed through a valid request. */
function nodeCaseFor(liveCase: LiveCase): LiveCase {
	if (liveCase.kind === 'node') return liveCase;
	return liveCases(MODELS).find((one) => one.id === 'smallest-image' && one.model === liveCase.model)!;
}

test('there are recordings to replay, of every model, an image set, a reference, an error and the credential test', () => {
	const recorded = new Set(recordings.map(({ fixture }) => `${fixture.model ?? 'platform'} ${fixture.case}`));
	for (const liveCase of liveCases(MODELS)) expect(recorded).toContain(`${liveCase.model ?? 'platform'} ${liveCase.id}`);
});

describe.each(recordings.map(({ folder, file, fixture }) => [`${folder}: ${fixture.model ?? 'platform'} ${fixture.case}`, file, fixture] as const))(
	'%s',
	(_name, file, fixture) => {
		const liveCase = caseFor(MODELS, fixture);

		test('played back through the node', async () => {
			expect(liveCase).toBeDefined();
			if (fixture.case === 'credential-test') {
				// The credential's own test request is what was recorded, and its answer proves the key.
				expect(new HighwayApi().test.request.url).toBe(fixture.request.path);
				replay(fixture, { matchBody: false });
				const { outcome } = await runCase(liveCase!, TEST_CREDENTIALS);
				expect(outcome).toMatchObject({ type: 'response', statusCode: fixture.response.status });
				return;
			}
			const nodeCase = nodeCaseFor(liveCase!);
			// A recorded request of the node must still be sent as it was.
			replay(fixture, { matchBody: liveCase!.kind === 'node' });
			const { result } = await runCase(nodeCase, TEST_CREDENTIALS);
			expect(nock.pendingMocks()).toEqual([]);
			if (fixture.response.status >= 400) {
				const answer = fixture.response.body as IDataObject;
				expect(result?.error?.name).toBe('NodeApiError');
				expect(result?.error?.message).toContain(String(answer.message ?? ''));
				if (answer.reason) expect(result?.error?.message).toContain(String(answer.reason));
				return;
			}
			expect(result?.error).toBeUndefined();
			const links = linksOf(fixture.response.body);
			expect(result?.items?.map((item) => [item.json.url, item.json.mimeType, item.json.width, item.json.height])).toEqual(
				fixture.downloads.map((download, position) => [links[position], `image/${download.format}`, download.width, download.height]),
			);
			for (const item of result?.items ?? []) {
				expect(readImageInfo(await result!.readBinary(item))?.format).toBe(String(item.json.mimeType).slice(6));
			}
		});

		test('the emulator answers the node\'s request in the recorded shape', async () => {
			const proxy = await createRecordingProxy({ target: credentials().baseUrl });
			try {
				await runCase(liveCase!, { ...credentials(), baseUrl: proxy.url });
				const exchange = proxy.exchanges.find((one) => one.request.path === fixture.request.path);
				expect(exchange).toBeDefined();
				expect(summariseBody(exchange!.request.body)).toEqual(fixture.request.body);
				const differences = answerDifferences(fixture.response, exchange!.response);
				if (differences.length) throw new Error(`${file}: the emulator differs from the recording:\n- ${differences.join('\n- ')}`);
			} finally {
				await proxy.stop();
			}
			expect(emulator().stats().requests).toBeLessThanOrEqual(1);
		});
	},
);
