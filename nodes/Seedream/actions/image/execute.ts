import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toolRunOf } from '../../helpers/agent/toolRun';
import { accountId } from '../../helpers/account';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, DOWNLOAD_CONCURRENCY } from '../../helpers/constants';
import type { AdviceContext } from '../../helpers/errors/errorAdvice';
import { refusalError, type InvalidInput } from '../../helpers/errors/nodeErrors';
import { DEFAULT_MODEL, MODELS } from '../../helpers/models';
import { chooseModel, OTHER_MODEL } from '../../helpers/otherModel';
import { readExecutionSettings, type ExecutionSettings } from '../../helpers/options';
import { leaseBudget } from '../../helpers/pacing/accountBudgets';
import { Limiter } from '../../helpers/pacing/limiter';
import type { RequestPolicy } from '../../helpers/pacing/retryPolicy';
import { SpendingCap } from '../../helpers/pacing/spendingCap';
import { Billing } from '../../helpers/results/billing';
import { PaidResults } from '../../helpers/reuse/paidResults';
import { normaliseBaseUrl } from '../../transport';
import { failurePolicy, prepareAll, runAll } from '../batch';
import { LinkSizes } from './inputImage';
import { readRequest, type ImageAction } from './readRequest';
import { runRequest } from './runRequest';

/**
 * An Image action (Generate, Edit) for the whole batch, one request path for both: every
 * request is read and checked before the first is sent; then requests run `concurrency` at a
 * time, and the output keeps the input order.
 */
export async function executeImageAction(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	action: ImageAction,
): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const toolRun = toolRunOf(this);
	let settings: ExecutionSettings;
	try {
		settings = readExecutionSettings(this);
	} catch (error) {
		// The options are read from the first item; only bad input throws there.
		throw refusalError(this.getNode(), error as InvalidInput, 0, toolRun !== undefined);
	}
	const onFailure = failurePolicy(this, toolRun);
	const groups = settings.combineItems
		? [items.map((_, index) => index)]
		: items.map((_, index) => [index]);
	// Known once the credential is read: the advice on a missing route names it.
	const credential: { baseUrl?: string } = {};
	const adviceFor = (group: number[]): AdviceContext => {
		const parameter = (name: string) => this.getNodeParameter(name, group[0], '');
		let model = MODELS[DEFAULT_MODEL] as ReturnType<typeof chooseModel>;
		try {
			model = chooseModel(parameter('model'), () => parameter('modelRoute'));
		} catch {
			// Bad input is refused with its own message; the advice needs only a name.
		}
		return {
			timeoutSeconds: settings.timeoutSeconds,
			modelName: model.name,
			forModel: toolRun !== undefined,
			route: {
				path: model.path,
				baseUrl: credential.baseUrl,
				byRouteName: model.id === OTHER_MODEL,
			},
		};
	};

	const reading = { action, toolRun: toolRun !== undefined, linkSizes: new LinkSizes(this) };
	const prepared = await prepareAll(
		this,
		groups,
		async (group) => await readRequest(this, group, reading),
		adviceFor,
		onFailure,
	);

	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl || DEFAULT_BASE_URL);
	credential.baseUrl = baseUrl;
	// Every execution in this process using the same account shares its rate budget.
	const account = accountId(baseUrl, String(credentials.apiKey ?? ''));
	const lease = leaseBudget(account, settings.concurrency);
	const paid = PaidResults.open(this, settings.reuseResults, account);
	const cap = SpendingCap.open(this, settings.maxImagesPerExecution);
	const billing = new Billing(this, settings.pricePerImage);
	const policy: RequestPolicy = {
		timeoutMs: settings.timeoutSeconds * 1000,
		maxRetries: settings.maxRetries,
		retryUncertain: settings.retryUncertain,
		budget: lease.budget,
		signal: this.getExecutionCancelSignal(),
	};
	const run = {
		context: this,
		baseUrl,
		policy,
		toolRun,
		paid,
		cap,
		billing,
		limiters: {
			items: new Limiter(settings.concurrency),
			downloads: new Limiter(DOWNLOAD_CONCURRENCY),
		},
	};
	let failed = true;
	try {
		const output = await runAll(
			this,
			prepared,
			groups,
			async (request, batch) =>
				await runRequest(
					{ ...run, batch, policy: { ...policy, isStopped: batch.stopped } },
					request,
				),
			adviceFor,
			onFailure,
		);
		failed = false;
		return output;
	} finally {
		// The node fails: what it paid for goes with the execution, for n8n's Retry to reuse.
		if (failed) paid.keepForRetry();
		lease.release();
		cap.close();
		this.logger.info(paid.summary(billing.estimate()));
	}
}
