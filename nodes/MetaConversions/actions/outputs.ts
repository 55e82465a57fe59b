/**
 * The node's main outputs. "Not Sent" holds items deliberately not sent (no consent), each with
 * `notSent: {destination, code, reason}`; with On Error → "Continue" failed items also stay there,
 * never on "Sent". With "Continue (using error output)" failed items leave on the error output.
 */
export const SENT = 0;
export const NOT_SENT = 1;
export const OUTPUT_COUNT = 2;
export const OUTPUT_NAMES = ['Sent', 'Not Sent'];
