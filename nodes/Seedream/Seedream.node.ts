import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './actions/properties';
import { router } from './actions/router';

export class Seedream implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedream',
		name: 'seedream',
		icon: { light: 'file:../../icons/seedream.svg', dark: 'file:../../icons/seedream.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Generate and edit images with ByteDance Seedream (4.5, 5.0 Lite, 4.0, 3.0 or any newer model by route name) through HighwayAPI, from a prompt and optional reference images',
		defaults: { name: 'Seedream' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'highwayApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
