import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate.operation';

/** The Image resource's operations, by the value the Operation parameter stores. */
export const operations = { generate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate images',
				description: 'Generate one image or a set from a prompt and optional reference images',
			},
		],
		default: 'generate',
	},
	...generate.description,
];
