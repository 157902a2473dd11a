import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { executeImageAction } from './execute';
import type { ImageAction } from './readRequest';

export { description } from './generate.description';

const GENERATE: ImageAction = { name: 'Generate Images', needsImage: false };

/** Image → Generate: images from a prompt and optional reference images. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await executeImageAction.call(this, items, GENERATE);
}
