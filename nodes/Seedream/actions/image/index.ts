import type { INodeProperties } from 'n8n-workflow';

import * as edit from './edit.operation';
import * as generate from './generate.operation';

/** The Image resource's operations, by the value the Operation parameter stores. */
export const operations = { generate, edit };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Edit Image',
				value: 'edit',
				action: 'Edit image',
				description:
					'Change a photo with an instruction (a new background, another season, a sale banner); the result keeps its shape',
			},
			{
				name: 'Generate Images',
				value: 'generate',
				action: 'Generate images',
				description: 'Generate one image or a set from a prompt and optional reference images',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...edit.description,
];
