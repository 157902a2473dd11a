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
	const filled = NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ?? {};
	return description.properties.filter(
		(property) => property.name === name && NodeHelpers.displayParameter(filled, property, node, description),
	);
}

const values = (parameter: INodeProperties) => (parameter.options ?? []).map((option) => ('value' in option ? option.value : undefined));

describe('the size parameters follow the model', () => {
	test.each([
		[undefined, ['2K', '4K', 'aspectRatio', 'custom']],
		['seedream-4.5', ['2K', '4K', 'aspectRatio', 'custom']],
		['seedream-5.0-lite', ['2K', '3K', 'aspectRatio', 'custom']],
		['seedream-4.0', ['1K', '2K', '4K', 'aspectRatio', 'custom']],
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

	test('Width shows the chosen model\'s limits in its hint', () => {
		const [lite] = shown('width', { model: 'seedream-5.0-lite', size: 'custom' });
		expect(lite.hint).toBe('Seedream 5.0 Lite: width × height 3,686,400 to 10,404,496 pixels in all, ratio 1:16 to 16:1');
		const [v40] = shown('height', { model: 'seedream-4.0', size: 'custom' });
		expect(v40.hint).toContain('1,048,576 to 16,777,216');
	});

	test('a saved workflow keeps its size value whichever model copy shows it', () => {
		const node = { typeVersion: 1 };
		const filled = NodeHelpers.getNodeParameters(
			description.properties,
			{ resource: 'image', operation: 'generate', prompt: 'x', size: 'custom', width: 3000, height: 2000 },
			true,
			false,
			node,
			description,
		);
		expect(filled).toMatchObject({ model: 'seedream-4.5', size: 'custom', width: 3000, height: 2000 });
	});
});
