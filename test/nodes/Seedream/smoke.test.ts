import nock from 'nock';

import { runSeedream } from '../../support/engine';
import { png } from '../../support/images';

test('smoke', async () => {
	nock.disableNetConnect();
	const image = png(64, 48);
	const api = nock('https://api.highwayapi.ai')
		.post('/v3/seedream-4.5')
		.reply(200, { images: ['https://cdn.example.test/a.png'] });
	const cdn = nock('https://cdn.example.test').get('/a.png').reply(200, image);
	const result = await runSeedream({ parameters: { prompt: 'a cat' } });
	expect(result.error).toBeUndefined();
	expect(api.isDone()).toBe(true);
	expect(cdn.isDone()).toBe(true);
	expect((await result.readBinary(result.items![0])).equals(image)).toBe(true);
});
