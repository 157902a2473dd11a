/**
 * The node's model table against the emulator's own reading of the API, both ways: every rule
 * the node checks is the rule the emulator enforces, and every size and reference the node
 * accepts, the emulator accepts too (over real HTTP, through n8n-core's engine). The emulator's
 * table is written independently (test/emulator/models.js), so a wrong row on either side fails.
 */
import {
	MODEL_IDS,
	MODELS,
	REFERENCE_LIMITS,
	resolutionsOf,
	type ModelId,
} from '../../nodes/Seedream/helpers/models';
import { MODELS as EMULATED } from '../emulator/server';
import { FAMILY_MODELS } from '../support/apiContract';
import { useEmulator } from '../support/emulator';
import { runSeedream } from '../support/engine';
import { jpeg, png } from '../support/images';

const { emulator, credentials } = useEmulator();

async function generate(model: ModelId, parameters: Record<string, unknown>, items?: Parameters<typeof runSeedream>[0]['items']) {
	const result = await runSeedream({
		parameters: { model, prompt: 'contract', ...parameters, options: { downloadImages: false } },
		credentials: credentials(),
		items,
	});
	return { result, requests: emulator().requests };
}

describe.each(FAMILY_MODELS)('%s: the node table and the emulator agree', (model) => {
	const rules = MODELS[model];
	const emulated = EMULATED[model];

	test('route, reference field and count, formats, ratios, pixel range, optimisation modes', () => {
		expect(emulated.path).toBe(rules.path);
		expect(emulated.references.field).toBe(rules.referenceField);
		expect(emulated.references.max).toBe(rules.maxReferences);
		expect([...emulated.references.formats].sort()).toEqual([...rules.referenceFormats].sort());
		expect(rules.referenceRatio).toEqual([1 / emulated.references.maxAspectRatio, emulated.references.maxAspectRatio]);
		expect(rules.sizeRatio).toEqual([1 / emulated.size.maxAspectRatio, emulated.size.maxAspectRatio]);
		expect(rules.pixels).toEqual([emulated.size.minPixels, emulated.size.maxPixels]);
		expect(Object.keys(emulated.size.presets).sort()).toEqual(resolutionsOf(rules).sort());
		expect([...emulated.optimizeModes].sort()).toEqual([...rules.promptOptimizationModes].sort());
		expect(emulated.references.maxBytes).toBe(REFERENCE_LIMITS.maxBytes);
		expect(emulated.references.maxPixels).toBe(REFERENCE_LIMITS.maxPixels);
		expect(emulated.references.minSide + 1).toBe(REFERENCE_LIMITS.minSide);
	});

	test('every named preset and every aspect-ratio preset the node sends is accepted and rendered at its size', async () => {
		const sent: string[] = [];
		for (const resolution of resolutionsOf(rules)) {
			const { result } = await generate(model, { size: resolution });
			expect(result.error).toBeUndefined();
			sent.push(resolution);
			for (const [ratio, size] of Object.entries(rules.presets[resolution] ?? {})) {
				const run = await generate(model, { size: 'aspectRatio', aspectRatio: ratio, resolution });
				expect(run.result.error).toBeUndefined();
				expect(run.result.items?.[0].json.size).toBe(size);
				sent.push(size);
			}
		}
		const answered = emulator().requests.map((request) => [request.model, request.status, request.body?.size]);
		expect(answered).toEqual(sent.map((size) => [model, 200, size]));
	});

	test('the edges of the pixel range: what the node lets through, the emulator takes', async () => {
		const [min, max] = rules.pixels;
		const inside = [Math.ceil(Math.sqrt(min)), Math.floor(Math.sqrt(max))];
		for (const side of inside) {
			const { result } = await generate(model, { size: 'custom', width: side, height: side });
			expect(result.error).toBeUndefined();
		}
		expect(emulator().requests.map((request) => request.status)).toEqual([200, 200]);
	});

	test('the most references the node allows, in the model\'s field, are accepted', async () => {
		const binary = Object.fromEntries(
			Array.from({ length: rules.maxReferences }, (_, i) => [`ref${i}`, { bytes: i % 2 ? png(40 + i, 40) : jpeg(40 + i, 40) }]),
		);
		const { result, requests } = await generate(model, { referenceImages: 'binary', binaryPropertyNames: '*' }, [{ binary }]);
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0].status).toBe(200);
		expect(requests[0].body?.[rules.referenceField]).toHaveLength(rules.maxReferences);
	});
});

describe('seedream-3-0-txt2img: the node table and the emulator agree', () => {
	const model = 'seedream-3-0-txt2img';
	const rules = MODELS[model];
	const emulated = EMULATED[model];
	const bodies = () => emulator().requests.map((request) => [request.status, request.body?.size, request.body?.seed]);

	test('route, model version, sides, seed and guidance ranges; no references, sets or optimisation', () => {
		expect(MODEL_IDS).toContain(model);
		expect(emulated.path).toBe(rules.path);
		expect(emulated.versions).toEqual([rules.modelVersion]);
		expect(rules.sides).toEqual([emulated.size.minSide, emulated.size.maxSide]);
		expect(rules.seed).toEqual([emulated.seed.min, emulated.seed.max]);
		expect(rules.guidanceScale).toEqual([emulated.guidanceScale.min, emulated.guidanceScale.max]);
		expect(emulated.responseFormats).toContain(rules.responseFormat);
		expect(emulated.references.max).toBe(rules.maxReferences);
		expect(rules.imageSets || rules.promptOptimizationModes.length > 0).toBe(false);
		expect([emulated.size.default.width, emulated.size.default.height].join('x')).toBe(rules.ratioSizes?.['1:1']);
	});

	test('every recommended size the node sends is accepted and rendered at its size', async () => {
		const sizes = Object.entries(rules.ratioSizes ?? {});
		for (const [aspectRatio, size] of sizes) {
			const { result } = await generate(model, { size: 'aspectRatio', aspectRatio });
			expect(result.error).toBeUndefined();
			expect(result.items?.[0].json.size).toBe(size);
		}
		expect(bodies()).toEqual(sizes.map(([, size]) => [200, size, -1]));
	});

	test('the edges of the sides, the seed and the guidance scale: what the node lets through, the emulator takes', async () => {
		const [min, max] = rules.sides!;
		for (const [width, height, seed, guidanceScale] of [
			[min, min, -1, 1],
			[max, max, 2147483647, 10],
			[min, max, 0, 2.5],
		]) {
			const { result } = await generate(model, { size: 'custom', width, height, seed, guidanceScale });
			expect(result.error).toBeUndefined();
		}
		expect(emulator().requests.map((request) => request.status)).toEqual([200, 200, 200]);
	});

	test('a fixed seed makes the same image again; -1 a new one', async () => {
		const image = async (seed: number) => {
			const run = await runSeedream({
				parameters: { model, prompt: 'same kite', seed, size: 'custom', width: 512, height: 512, options: { reuseResults: 'never' } },
				credentials: credentials(),
			});
			expect(run.error).toBeUndefined();
			return await run.readBinary(run.items![0]);
		};
		expect((await image(7)).equals(await image(7))).toBe(true);
		expect((await image(-1)).equals(await image(-1))).toBe(false);
		expect(emulator().stats().generated).toBe(4);
	});
});
