import { AccountBudget, type BudgetState } from './accountBudget';

/**
 * One rate budget per account in this n8n process (main or worker): module state, so every
 * execution of the node in the process that uses the same credential and base URL shares it.
 * Keyed by the base URL and a hash of the API key, never the key itself. A budget is forgotten
 * once no execution holds it and it has nothing in flight, queued or held.
 */
const budgets = new Map<string, AccountBudget>();

/** An execution's hold on its account's budget; `release()` when the execution is done. */
export interface BudgetLease {
	budget: AccountBudget;
	release(): void;
}

function forgetIdle(): void {
	const now = Date.now();
	for (const [id, budget] of budgets) if (budget.isIdle(now)) budgets.delete(id);
}

/** `account` is the account's id (account.ts): base URL and key hash, never the key. */
export function leaseBudget(account: string, concurrency: number): BudgetLease {
	forgetIdle();
	let budget = budgets.get(account);
	if (budget) budget.widen(concurrency);
	else {
		budget = new AccountBudget(concurrency);
		budgets.set(account, budget);
	}
	budget.users++;
	const held = budget;
	let released = false;
	return {
		budget: held,
		release: () => {
			if (released) return;
			released = true;
			held.users--;
			forgetIdle();
		},
	};
}

/** The budgets alive in this process, by id (base URL and key hash): for tests and diagnosis. */
export function budgetStates(): Array<BudgetState & { id: string }> {
	return [...budgets].map(([id, budget]) => ({ id, ...budget.state() }));
}
