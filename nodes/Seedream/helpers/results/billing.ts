import type { IDataObject, IExecuteFunctions, IWorkflowExecutionCustomData } from 'n8n-workflow';

/**
 * The execution's custom data keys (letters, digits and underscores, as n8n requires), summed
 * over every Seedream node of the execution: n8n shows them with the execution and can filter
 * the executions list by them.
 */
export const CUSTOM_DATA = {
	images: 'seedream_images_billed',
	usd: 'seedream_cost_usd',
} as const;

/** What one request billed, and its estimated cost (unknown without a price). */
export interface RequestCost {
	images: number;
	usd?: number;
}

/** Money to the millionth of a dollar, so that sums of 0.035 stay 0.105, not 0.10500000000000001. */
export function roundUsd(usd: number): number {
	return Math.round(usd * 1e6) / 1e6;
}

/** "$0.12", or to the tenth of a cent where cents would hide it ("$0.035"). */
export function formatUsd(usd: number): string {
	const cents = usd.toFixed(2);
	return `$${Number(cents) === usd ? cents : String(roundUsd(usd))}`;
}

/** The field of the flow context (shared by every node of the execution) that holds the totals. */
export const TOTALS_FIELD = 'seedreamBilling';

/** What every Seedream node of one execution billed together. */
interface Totals {
	executionId: string;
	images: number;
	usd: number;
}

/**
 * The execution's custom data, or undefined where n8n gives a node none. n8n 2.x has
 * `this.customData`; 1.x only the expressions' `$execution.customData`.
 */
function customDataOf(context: IExecuteFunctions): IWorkflowExecutionCustomData | undefined {
	try {
		return (
			context.customData ??
			(context.getWorkflowDataProxy(0).$execution as { customData?: IWorkflowExecutionCustomData })
				?.customData
		);
	} catch {
		return undefined;
	}
}

/**
 * What one run of the node billed and what that is estimated to cost: at the price per image the
 * user set, else at the model's list price. Each billed request adds to the execution's totals at
 * once, in the flow context (every Seedream node of the execution adds to the same) and in the
 * execution's custom data, so a run that fails still shows what it paid for.
 *
 * n8n starts a Retry with the failed execution's custom data and flow context: the totals carry
 * their execution's id, and a Retry sets its own from zero, as it pays for itself.
 */
export class Billing {
	/** The run's estimated cost, for its log line. */
	private usd = 0;

	/** Images of the run billed at no known price (a model by route name, no price set). */
	private unpriced = 0;

	private readonly flow: IDataObject;

	private readonly data: IWorkflowExecutionCustomData | undefined;

	constructor(
		context: IExecuteFunctions,
		private readonly pricePerImage: number | undefined,
	) {
		this.flow = context.getContext('flow') as IDataObject;
		this.data = customDataOf(context);
		const executionId = String(context.getExecutionId() ?? '');
		const totals = this.flow[TOTALS_FIELD] as Totals | undefined;
		if (totals?.executionId !== executionId) {
			this.flow[TOTALS_FIELD] = { executionId, images: 0, usd: 0 };
			// Another execution's figures (the one this Retry retries) are not this one's.
			if (this.data?.get(CUSTOM_DATA.images) !== undefined) this.publish();
		}
	}

	/** `images` billed by one request at the model's `listPrice`. */
	add(images: number, listPrice: number | undefined): RequestCost {
		const price = this.pricePerImage ?? listPrice;
		const usd = price === undefined ? undefined : roundUsd(images * price);
		this.usd = roundUsd(this.usd + (usd ?? 0));
		if (usd === undefined) this.unpriced += images;
		if (images > 0) {
			const totals = this.flow[TOTALS_FIELD] as Totals;
			totals.images += images;
			totals.usd = roundUsd(totals.usd + (usd ?? 0));
			this.publish();
		}
		return { images, usd };
	}

	private publish(): void {
		const { images, usd } = this.flow[TOTALS_FIELD] as Totals;
		this.data?.set(CUSTOM_DATA.images, String(images));
		this.data?.set(CUSTOM_DATA.usd, String(usd));
	}

	/** The run's estimated cost as the log line says it: "$0.12", or with what has no price. */
	estimate(): string {
		const unpriced = this.unpriced ? ` plus ${this.unpriced} image(s) at no known price` : '';
		return `${formatUsd(this.usd)}${unpriced}`;
	}
}
