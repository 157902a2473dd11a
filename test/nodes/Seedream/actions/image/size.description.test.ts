/**
 * What the editor shows: the Size, Resolution and Width/Height parameters follow the chosen
 * model, evaluated with n8n's own display rules (NodeHelpers), as the editor does.
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Seedream } from '../../../../../nodes/Seedream/Seedream.node';

const { description } = new Seedream();

/** The visible copy of a parameter for these values, after n8n fills in the defaults. */
function shown(name: string, values: INodeParameters): INodeProperties[] {
	const node = { typeVersion: 1 };
	const filled =
		NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ??
		{};
	return description.properties.filter(
		(property) =>
			property.name === name && NodeHelpers.displayParameter(filled, property, node, description),
	);
}

const values = (parameter: INodeProperties) =>
	(parameter.options ?? []).map((option) => ('value' in option ? option.value : undefined));

describe('the size parameters follow the model', () => {
	test.each([
		[undefined, ['2K', '4K', 'aspectRatio', 'custom', 'matchInput']],
		['seedream-4.5', ['2K', '4K', 'aspectRatio', 'custom', 'matchInput']],
		['seedream-5.0-lite', ['2K', '3K', 'aspectRatio', 'custom', 'matchInput']],
		['seedream-4.0', ['1K', '2K', '4K', 'aspectRatio', 'custom', 'matchInput']],
	])('model %s: one Size is shown, with %j', (model, expected) => {
		const visible = shown('size', model ? { model } : {});
		expect(visible).toHaveLength(1);
		expect(values(visible[0])).toEqual(expected);
		expect(visible[0].default).toBe('2K');
	});

	test.each([
		['seedream-4.5', ['2K', '4K']],
		['seedream-5.0-lite', ['2K', '3K']],
		['seedream-4.0', ['1K', '2K', '4K']],
	])('model %s: Resolution offers %j under an aspect-ratio preset', (model, expected) => {
		const visible = shown('resolution', { model, size: 'aspectRatio' });
		expect(visible).toHaveLength(1);
		expect(values(visible[0])).toEqual(expected);
		expect(shown('resolution', { model, size: '2K' })).toHaveLength(0);
	});

	test("Width shows the chosen model's limits in its hint", () => {
		const [lite] = shown('width', { model: 'seedream-5.0-lite', size: 'custom' });
		expect(lite.hint).toBe(
			'Seedream 5.0 Lite: width × height 3,686,400 to 10,404,496 pixels in all, ratio 1:16 to 16:1',
		);
		const [v40] = shown('height', { model: 'seedream-4.0', size: 'custom' });
		expect(v40.hint).toContain('1,048,576 to 16,777,216');
	});

	test('a saved workflow keeps its size value whichever model copy shows it', () => {
		const node = { typeVersion: 1 };
		const filled = NodeHelpers.getNodeParameters(
			description.properties,
			{
				resource: 'image',
				operation: 'generate',
				prompt: 'x',
				size: 'custom',
				width: 3000,
				height: 2000,
			},
			true,
			false,
			node,
			description,
		);
		expect(filled).toMatchObject({
			model: 'seedream-4.5',
			size: 'custom',
			width: 3000,
			height: 2000,
		});
	});
});

describe('Edit Image shows its own defaults, one copy of each parameter', () => {
	const edit = { operation: 'edit' };

	test('Size defaults to Match Input Image, with the Resolution to match at', () => {
		const [size] = shown('size', edit);
		expect(size.default).toBe('matchInput');
		expect(shown('size', edit)).toHaveLength(1);
		const [resolution] = shown('resolution', edit);
		expect(values(resolution)).toEqual(['2K', '4K']);
	});

	test('the image to edit comes from binary data by default, or from links; never "none"', () => {
		const [source] = shown('referenceImages', edit);
		expect(source.displayName).toBe('Image Source');
		expect(source.default).toBe('binary');
		expect(values(source)).toEqual(['binary', 'url']);
		expect(shown('binaryPropertyNames', edit)).toHaveLength(1);
		expect(shown('imageUrls', { ...edit, referenceImages: 'url' })).toHaveLength(1);
	});

	test('every parameter the edit shows is shown once, as for Generate', () => {
		for (const operation of ['generate', 'edit']) {
			const names = description.properties
				.map((property) => property.name)
				.filter((name, index, all) => all.indexOf(name) === index);
			for (const name of names) expect(shown(name, { operation }).length).toBeLessThanOrEqual(1);
		}
	});

	test('a workflow saved before Edit Image existed still generates, with its old defaults', () => {
		const node = { typeVersion: 1 };
		const filled = NodeHelpers.getNodeParameters(
			description.properties,
			{ prompt: 'x' },
			true,
			false,
			node,
			description,
		);
		expect(filled).toMatchObject({ operation: 'generate', size: '2K', referenceImages: 'none' });
	});
});
