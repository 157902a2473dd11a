/**
 * The answer a model reads: its size is bounded per image, so that a set of 15 never floods the
 * model's context, whatever the prompt (which is never repeated) and however long the API's
 * failure reasons are. The links themselves are the one part the node cannot shorten.
 */
import type { ImageOutcome, ImageEntry } from '../../../../../nodes/Seedream/helpers/results/downloads';
import type { ResultEntry } from '../../../../../nodes/Seedream/helpers/results/responseParsing';
import {
	MAX_REASON_LENGTH,
	mimeTypeFromLink,
	toolAnswer,
} from '../../../../../nodes/Seedream/helpers/agent/toolAnswer';

/** Characters of the answer besides the links: the note, the field names, sizes and types. */
const FIXED_BUDGET = 260;
/** Per image besides its link: `{"url":"","size":"6240x2656","mimeType":"image/jpeg"},`. */
const PER_IMAGE_BUDGET = 60;
/** Per failed image: its number and a reason cut to MAX_REASON_LENGTH. */
const PER_FAILURE_BUDGET = MAX_REASON_LENGTH + 30;

const link = (n: number, length: number) => {
	const stem = `https://bucket.example.test/seedream/${n}.jpeg?X-Signature=`;
	return stem + 'a'.repeat(Math.max(0, length - stem.length));
};

function answerLength(images: number, failures: number, linkLength: number) {
	const entries: ResultEntry[] = [];
	for (let index = 0; index < images + failures; index++) {
		entries.push(
			index < images
				? { index, kind: 'url', url: link(index, linkLength) }
				: { index, kind: 'failed', code: 'OutputImageSensitiveContentDetected', message: 'x'.repeat(5000) },
		);
	}
	const outcomes: ImageOutcome[] = entries
		.filter((entry): entry is ImageEntry => entry.kind !== 'failed')
		.map((entry) => ({ entry }));
	const item = toolAnswer(
		{ itemIndexes: [0], size: { value: '6240x2656', width: 6240, height: 2656 } },
		outcomes,
		entries,
	);
	// What n8n sends the model: JSON of the items' JSON.
	return JSON.stringify([item.json]).length;
}

describe('the tool answer', () => {
	test.each([
		[1, 0, 150],
		[6, 0, 150],
		[15, 0, 150],
		[6, 0, 900],
		[10, 5, 400],
	])('%i images and %i failures with %i-character links stay within the per-image bound', (images, failures, linkLength) => {
		const bound =
			FIXED_BUDGET + images * (PER_IMAGE_BUDGET + linkLength) + failures * PER_FAILURE_BUDGET;
		expect(answerLength(images, failures, linkLength)).toBeLessThanOrEqual(bound);
	});

	test('a set of 6 with links as long as the emulator\'s is under 3,000 characters', () => {
		expect(answerLength(6, 0, 170)).toBeLessThan(3000);
	});

	test('the type a link names, without fetching it', () => {
		expect(mimeTypeFromLink('https://x.test/a/b.jpeg?X-Tos-Expires=86400&sig=.png')).toBe('image/jpeg');
		expect(mimeTypeFromLink('https://x.test/a/b.PNG#frag')).toBe('image/png');
		expect(mimeTypeFromLink('https://x.test/a/b.webp')).toBe('image/webp');
		expect(mimeTypeFromLink('https://x.test/a/image?id=3')).toBeUndefined();
		expect(mimeTypeFromLink('https://x.test/a/file.txt')).toBeUndefined();
	});
});

describe('with a spending cap', () => {
	const entry: ImageEntry = { index: 0, kind: 'url', url: 'https://cdn.example.test/a.png' };
	const answerWith = (imagesLeft?: number) =>
		toolAnswer({ itemIndexes: [0], size: { value: '2K' }, imagesLeft }, [{ entry }], [entry]).json.note;

	test('the note says how many more images the execution may make', () => {
		expect(answerWith(3)).toMatch(/ The workflow's spending cap allows 3 more image\(s\) in this run\.$/);
	});

	test('and tells the model to stop once none are left', () => {
		expect(answerWith(0)).toMatch(
			/ The workflow's spending cap allows no more images in this run: do not call this tool again\.$/,
		);
	});

	test('without a cap, nothing is said about one', () => {
		expect(answerWith(undefined)).not.toMatch(/cap/);
	});
});

test('the seed a model was sent comes back to the agent, so it can remake the image; none without one', () => {
	const entry: ImageEntry = { index: 0, kind: 'url', url: link(0, 80) };
	const answer = (seed?: number) =>
		toolAnswer({ itemIndexes: [0], size: { value: '512x512', width: 512, height: 512 }, seed }, [{ entry }], [entry]).json;
	expect(answer(42).seed).toBe(42);
	expect(answer()).not.toHaveProperty('seed');
});
