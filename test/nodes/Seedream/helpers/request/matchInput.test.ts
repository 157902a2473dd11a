/**
 * Size "Match Input Image" over many input shapes, for every model and resolution: the size
 * always passes the model's own checks, keeps the input's shape as closely as any size in steps
 * of 16 near the resolution's pixels can (proven against every such size), and says when the
 * model cannot take the shape. The emulator's acceptance is proven in test/faults/editImage.test.ts.
 */
import { MODEL_IDS, MODELS, resolutionsOf } from '../../../../../nodes/Seedream/helpers/models';
import {
	matchInputSize,
	PIXEL_TOLERANCE,
	ratioError,
	SIZE_STEP,
	targetPixels,
} from '../../../../../nodes/Seedream/helpers/request/matchInput';
import { checkPixelSize } from '../../../../../nodes/Seedream/helpers/request/size';

const SHAPES: Array<[string, number, number]> = [
	['1:1', 1024, 1024],
	['4:5 (Instagram portrait)', 1080, 1350],
	['9:16 (a story)', 1080, 1920],
	['16:9', 1920, 1080],
	['3:1 (a banner)', 3000, 1000],
	['1:3', 1000, 3000],
	['16:1', 1600, 100],
	['1:16', 100, 1600],
	['6000x6000', 6000, 6000],
	['15x15', 15, 15],
	['odd: 1001x777', 1001, 777],
	['odd: 333x1999', 333, 1999],
	['odd: 4033x3025 (a phone photo)', 4033, 3025],
];

const cases = MODEL_IDS.flatMap((id) =>
	resolutionsOf(MODELS[id]).flatMap((resolution) =>
		SHAPES.map(([shape, width, height]) => [id, resolution, shape, width, height] as const),
	),
);

const fields = new Map<string, Array<{ width: number; height: number }>>();

/**
 * Every size in steps of 16 within the model's ranges whose pixels are near the target: the
 * brute-force field, the same for every input shape.
 */
function everySize(id: (typeof MODEL_IDS)[number], target: number) {
	const key = `${id} ${target}`;
	const known = fields.get(key);
	if (known) return known;
	const model = MODELS[id];
	const [minRatio, maxRatio] = model.sizeRatio;
	const low = Math.max(model.pixels[0], target * (1 - PIXEL_TOLERANCE));
	const high = Math.min(model.pixels[1], target * (1 + PIXEL_TOLERANCE));
	const sizes: Array<{ width: number; height: number }> = [];
	for (let height = SIZE_STEP; height * height * minRatio <= high; height += SIZE_STEP) {
		const from = Math.max(low / height, height * minRatio);
		const to = Math.min(high / height, height * maxRatio);
		for (let width = Math.ceil(from / SIZE_STEP) * SIZE_STEP; width <= to; width += SIZE_STEP) {
			sizes.push({ width, height });
		}
	}
	fields.set(key, sizes);
	return sizes;
}

describe.each(cases)(
	'%s at %s, input %s (%ix%i)',
	(id, resolution, _shape, inputWidth, inputHeight) => {
		const model = MODELS[id];
		const size = matchInputSize(model, resolution, { width: inputWidth, height: inputHeight });
		const ratio = inputWidth / inputHeight;

		test("passes the model's own checks, both sides multiples of 16", () => {
			expect(() => checkPixelSize(size.width, size.height, model)).not.toThrow();
			expect(size.width % SIZE_STEP).toBe(0);
			expect(size.height % SIZE_STEP).toBe(0);
		});

		test("no size in steps of 16 near the resolution's pixels keeps the shape better, nor as well with pixels closer", () => {
			const target = targetPixels(model, resolution);
			expect(Math.abs(size.width * size.height - target)).toBeLessThanOrEqual(
				target * PIXEL_TOLERANCE,
			);
			const error = (w: number, h: number) => Math.round(ratioError(w, h, ratio) * 1e6);
			const distance = (w: number, h: number) => Math.abs(w * h - target);
			const ours = [error(size.width, size.height), distance(size.width, size.height)];
			const better = everySize(id, target).filter(({ width, height }) => {
				const theirs = error(width, height);
				return theirs < ours[0] || (theirs === ours[0] && distance(width, height) < ours[1]);
			});
			expect(better).toEqual([]);
		});

		test('the shape is kept to within half a percent, and nothing is said about clamping', () => {
			expect(Math.abs(size.width / size.height / ratio - 1)).toBeLessThan(0.005);
			expect(size.clamped).toBeUndefined();
		});
	},
);

describe('sizes that people recognise', () => {
	test.each([
		['seedream-4.5', '2K', 1080, 1350, '1856x2320'],
		['seedream-4.5', '4K', 1080, 1350, '3648x4560'],
		['seedream-4.5', '2K', 1920, 1080, '2816x1584'],
		['seedream-5.0-lite', '3K', 1080, 1350, '2752x3440'],
		['seedream-4.0', '1K', 1080, 1350, '960x1200'],
		['seedream-4.5', '2K', 6000, 6000, '2048x2048'],
	] as const)('%s at %s: %ix%i becomes %s', (id, resolution, width, height, expected) => {
		const { width: w, height: h } = matchInputSize(MODELS[id], resolution, { width, height });
		expect(`${w}x${h}`).toBe(expected);
	});
});

describe('a shape beyond what the model makes', () => {
	test('is clamped to the closest ratio it takes, and the size says so', () => {
		const size = matchInputSize(MODELS['seedream-4.5'], '2K', { width: 2000, height: 100 });
		expect(size.width / size.height).toBe(16);
		expect(() => checkPixelSize(size.width, size.height, MODELS['seedream-4.5'])).not.toThrow();
		expect(size.clamped).toBe(
			"The input's aspect ratio 20:1 is beyond what Seedream 4.5 makes; the closest it takes is 16:1",
		);
	});

	test('on the tall side too', () => {
		const size = matchInputSize(MODELS['seedream-4.0'], '1K', { width: 50, height: 1000 });
		expect(size.height / size.width).toBe(16);
		expect(size.clamped).toMatch(/aspect ratio 1:20 .* closest it takes is 1:16$/);
	});
});
