import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { API_HOST, API_PATH } from './apiContract';
import { png } from './images';

export { API_HOST, API_PATH };

export interface CapturedRequest {
	body: IDataObject;
	headers: Record<string, string | string[] | undefined>;
}

/**
 * Intercepts generation requests, records each body and its headers, and answers with
 * inline PNGs (so no download is involved). `images` says how many each answer holds.
 */
export function captureApi(options: { times?: number; images?: number; host?: string; path?: string } = {}) {
	const requests: CapturedRequest[] = [];
	const scope = nock(options.host ?? API_HOST)
		.post(options.path ?? API_PATH)
		.times(options.times ?? 1)
		.reply(function (_uri, body) {
			requests.push({
				body: (typeof body === 'string' ? JSON.parse(body) : body) as IDataObject,
				headers: { ...this.req.headers },
			});
			const images = Array.from({ length: options.images ?? 1 }, (_, index) =>
				png(16, 16, `${requests.length}-${index}`).toString('base64'),
			);
			return [200, { images }];
		});
	return { scope, requests };
}
