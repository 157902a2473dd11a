/**
 * The model table itself: the documented rules of each model (HighwayAPI's pages, see
 * shared/design/api-notes.md), the invariants the rest of the node relies on, and the README's
 * model tables, which are rendered from it.
 */
import {
	DEFAULT_MODEL,
	formatPixelRange,
	formatRatio,
	formatRatioRange,
	isModelId,
	MODEL_IDS,
	MODELS,
	resolutionsOf,
} from '../../../../nodes/Seedream/helpers/models';
import { renderModelTables, withModelTables } from '../../../support/modelTable';
import { readRepoFile, writeDocs, writeRepoFile } from '../../../support/system';

describe('the model table', () => {
	test('four models, 4.5 first and the default', () => {
		expect(MODEL_IDS).toEqual(['seedream-4.5', 'seedream-5.0-lite', 'seedream-4.0', 'seedream-3-0-txt2img']);
		expect(DEFAULT_MODEL).toBe('seedream-4.5');
		for (const id of MODEL_IDS) expect(MODELS[id].id).toBe(id);
	});

	test('the documented rules of each model', () => {
		const summary = MODEL_IDS.map((id) => {
			const m = MODELS[id];
			return [id, m.path, m.referenceField, m.maxReferences, resolutionsOf(m), m.pixels, m.imageSets];
		});
		expect(summary).toEqual([
			['seedream-4.5', '/v3/seedream-4.5', 'image', 14, ['2K', '4K'], [3_686_400, 16_777_216], true],
			['seedream-5.0-lite', '/v3/seedream-5.0-lite', 'image', 14, ['2K', '3K'], [3_686_400, 10_404_496], true],
			['seedream-4.0', '/v3/seedream-4.0', 'images', 10, ['1K', '2K', '4K'], [1_048_576, 16_777_216], true],
			['seedream-3-0-txt2img', '/v3/seedream-3-0-txt2img', 'image', 0, [], [262_144, 4_194_304], false],
		]);
		const v30 = MODELS['seedream-3-0-txt2img'];
		expect([v30.modelVersion, v30.responseFormat, v30.seed, v30.guidanceScale, v30.sides]).toEqual([
			'seedream-3-0-t2i-250415',
			'url',
			[-1, 2_147_483_647],
			[1, 10],
			[512, 2048],
		]);
		expect(v30.ratioSizes).toEqual({
			'1:1': '1024x1024',
			'4:3': '1152x864',
			'3:4': '864x1152',
			'16:9': '1280x720',
			'9:16': '720x1280',
			'3:2': '1248x832',
			'2:3': '832x1248',
			'21:9': '1512x648',
		});
		expect(v30.promptOptimizationModes).toEqual([]);
		for (const id of ['seedream-4.5', 'seedream-5.0-lite', 'seedream-4.0'] as const) {
			expect([MODELS[id].seed, MODELS[id].guidanceScale, MODELS[id].modelVersion]).toEqual([undefined, undefined, undefined]);
		}
		expect(MODELS['seedream-5.0-lite'].presets['3K']).toMatchObject({ '1:1': '3072x3072', '16:9': '4096x2304' });
		expect(MODELS['seedream-4.0'].presets['2K']).toMatchObject({ '16:9': '2560x1440', '21:9': '3024x1296' });
		expect(MODELS['seedream-4.0'].referenceFormats).toEqual(['jpeg', 'png']);
		expect(MODELS['seedream-4.0'].referenceRatio).toEqual([1 / 3, 3]);
	});

	test.each(MODEL_IDS)('%s: every preset has all eight ratios, WxH inside the model\'s own range', (id) => {
		const model = MODELS[id];
		const tables = [...resolutionsOf(model).map((resolution) => model.presets[resolution]), model.ratioSizes].filter((table): table is NonNullable<typeof table> => table !== undefined);
		expect(tables.length).toBeGreaterThan(0);
		for (const table of tables) {
			expect(Object.keys(table)).toEqual(['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9']);
			for (const size of Object.values(table) as string[]) {
				const [width, height] = size.split('x').map(Number);
				expect(width * height).toBeGreaterThanOrEqual(model.pixels[0]);
				expect(width * height).toBeLessThanOrEqual(model.pixels[1]);
				if (model.sides) {
					for (const side of [width, height]) expect(side).toBeGreaterThanOrEqual(model.sides[0]);
					for (const side of [width, height]) expect(side).toBeLessThanOrEqual(model.sides[1]);
				}
			}
		}
	});

	test('isModelId and the formatters', () => {
		expect(isModelId('seedream-4.0')).toBe(true);
		expect(isModelId('seedream-5.0-pro')).toBe(false);
		expect(isModelId(undefined)).toBe(false);
		expect(formatRatio(1 / 16)).toBe('1:16');
		expect(formatRatio(64)).toBe('64:1');
		expect(formatRatio(240 / 16000)).toBe('1:66.67');
		expect(formatRatioRange([1 / 3, 3])).toBe('1:3 to 3:1');
		expect(formatPixelRange([3_686_400, 10_404_496])).toBe('3,686,400 to 10,404,496');
	});
});

describe('the README', () => {
	test('its model tables are the ones rendered from the model table (npm run readme:models)', () => {
		const readme = readRepoFile('README.md');
		const expected = withModelTables(readme, renderModelTables());
		if (writeDocs()) writeRepoFile('README.md', expected);
		else expect(readme).toBe(expected);
	});
});
