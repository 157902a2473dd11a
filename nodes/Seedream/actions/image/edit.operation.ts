import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { executeImageAction } from './execute';
import type { ImageAction } from './readRequest';

export { description } from './edit.description';

const EDIT: ImageAction = { name: 'Edit Image', needsImage: true };

/**
 * Image → Edit Image: the same request as Generate with the image to edit as the first
 * reference, at the image's own shape unless another Size is chosen.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await executeImageAction.call(this, items, EDIT);
}
