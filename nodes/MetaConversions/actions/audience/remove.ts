/** Removes rows from a Custom Audience (`DELETE /{audience_id}/users`); needs no consent. See users.ts. */
import { usersOperation } from './users';

export const execute = usersOperation('remove');
