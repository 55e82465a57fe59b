/**
 * The webhook lifecycle of triggers whose sender is configured by hand (a CRM's webhook settings,
 * the Praxis notification URL, the CoinsPaid dashboard): nothing is registered remotely, so
 * activation always succeeds and deactivation has nothing to remove. Triggers keep a fixed path so
 * the URL given to the sender stays stable.
 */
import type { IHookFunctions } from 'n8n-workflow';

export const registeredByHand = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
