import type { INodeProperties } from 'n8n-workflow';

import * as image from './image';
import { toolDescriptions } from './tool.description';

/**
 * The node's parameters, version 1: what saved workflows store. A version 2 adds its number to
 * the node's `version` and marks what differs with `displayOptions: { show: { '@version': [2] } }`
 * here, leaving version 1's parameters, and so every saved workflow, as they are.
 */
export const properties: INodeProperties[] = [
	...toolDescriptions,
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Image', value: 'image' }],
		default: 'image',
	},
	...image.description,
];
